"""The pure core of laa_xl: rules, periods, register, returns, checks and report models.

Nothing here imports an Excel library; readers and writers live in ``laa_xl.io``.
"""
