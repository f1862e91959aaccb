"""ESC/POS receipt printer: python-escpos transports, real-time status, simulator."""
