"""What the dashboard, the handover page and the PDF share: charts now, the summary later."""
