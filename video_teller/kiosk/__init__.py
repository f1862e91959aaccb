"""The kiosk's side of a video-teller call (Qt-free): media, peer connection, hub client,
the call's state machine and its recording. docs/video_teller_kiosk.md says how."""
