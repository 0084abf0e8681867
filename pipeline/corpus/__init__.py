"""The corpus side: collecting a folder's reports, batch runs, the tables, the panel and comparisons."""
