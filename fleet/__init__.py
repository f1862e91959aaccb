"""Fleet telemetry over MQTT: each kiosk's status, supplies and faults to the bank's broker,
signed commands from the operations centre back (issue #13)."""
