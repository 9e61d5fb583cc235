"""Files: reading workbooks into grids, writing workbooks, safety preflight, archive."""
