"""HTML views: the audit page of one report, the scoring page, the comparison and panel pages."""
