"""laa_xl: spreadsheet-native automation for Local Area Agreement performance management."""

__version__ = "0.1.0"
