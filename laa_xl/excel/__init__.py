"""laa_xl inside Excel: xlwings UDFs (``udfs``), button scripts (``buttons``), the workbook builder
(``build``) and the xlwings Lite entry points (``lite``). Each is a thin wrapper over ``laa_xl.core``."""
