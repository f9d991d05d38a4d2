"""How values are shown: charts, status words and icons, and text made safe to render as Markdown."""
