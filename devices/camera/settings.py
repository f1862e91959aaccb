"""``[devices.camera]`` in kiosk.toml."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from devices.settings import DeviceSettings


class CameraSettings(DeviceSettings):
    # cam://0 (camera index), file:///path/video.mp4 or an image sequence (glob),
    # rtsp:// / http(s):// streams, sim://camera?scene=NAME
    url_schemes: ClassVar[frozenset[str]] = frozenset(
        {"cam", "file", "rtsp", "http", "https", "sim"})

    width: int = Field(640, gt=0)
    height: int = Field(480, gt=0)
    fps: float = Field(15.0, gt=0)
    #: Play a video file / image sequence / scripted scene again from the start at its end.
    loop: bool = True
