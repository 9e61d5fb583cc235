Attribute VB_Name = "LAA"
' The buttons on the Home sheet of LAA_Central.xlsm.
'
' Each button runs one Python function in laa_xl/excel/buttons.py through
' the xlwings add-in (install it once with: xlwings addin install). The
' workbook's VBA project refers to the add-in's "xlwings" project, as the
' workbooks made by "xlwings quickstart" do, so RunPython needs no
' "Trust access to the VBA project object model".
'
' This file is the source: "laa-xl build-workbook" builds it into the
' workbook. Edit it here, not in the Visual Basic Editor.
Option Explicit

Public Sub IssueReturns()
    RunPython "import laa_xl.excel.buttons as b; b.issue_returns()"
End Sub

Public Sub CheckReturn()
    RunPython "import laa_xl.excel.buttons as b; b.check_return()"
End Sub

Public Sub Consolidate()
    RunPython "import laa_xl.excel.buttons as b; b.consolidate()"
End Sub

Public Sub GoReturn()
    RunPython "import laa_xl.excel.buttons as b; b.go_return()"
End Sub

Public Sub PsbReport()
    RunPython "import laa_xl.excel.buttons as b; b.psb_report()"
End Sub

Public Sub EmailGose()
    RunPython "import laa_xl.excel.buttons as b; b.email_gose()"
End Sub

Public Sub Chase()
    RunPython "import laa_xl.excel.buttons as b; b.chase()"
End Sub
