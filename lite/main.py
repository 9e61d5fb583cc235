"""xlwings Lite main.py for the LAA central workbook: paste this into the Lite editor.

It needs the packages in lite/requirements.txt (paste those into Lite's requirements.txt tab).
Every custom function and script is laa_xl's own (laa_xl/excel/lite.py): nothing is copied here.
"""

from laa_xl.excel.lite import (  # noqa: F401  (Lite registers the decorated functions it finds here)
    LAA_DIRECTION,
    LAA_RAG,
    LAA_REWARD,
    LAA_RISK_SCORE,
    LAA_VARIANCE,
    chase,
    check_return,
    consolidate,
    email_gose,
    go_return,
    issue_returns,
    psb_report,
)
