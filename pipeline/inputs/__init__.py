"""Reading reports: plain text in any encoding, web pages, Word (.docx), PDF, and tables of reports."""
