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
    #: Frames a second read while nothing uses the camera (no flow, call or preview holds
    #: it): enough to notice a camera that is unplugged, covered or frozen; 0 reads none
    #: (then a fault shows only once something uses the camera). At ``fps`` while in use.
    idle_fps: float = Field(1.0, ge=0)
    #: Play a video file / image sequence / scripted scene again from the start at its end.
    loop: bool = True

    # -- fault detection (devices.camera.health) -------------------------------------------
    #: Mean luminance (0-255) below which the picture is too dark to use.
    dark_luminance: float = Field(40.0, ge=0, le=255)
    #: How long the picture must stay dark (or bright again) before it is reported.
    dark_after_s: float = Field(1.0, ge=0)
    #: The same picture (or a standing sensor clock) for this long is a frozen camera.
    frozen_after_s: float = Field(2.0, gt=0)
    #: Share of lost frames (over the last ``drop_window_s``) above which the camera is
    #: reported degraded.
    max_drop_rate: float = Field(0.2, gt=0, le=1)
    drop_window_s: float = Field(5.0, gt=0)
    #: Longest wait between attempts to reopen a camera that went away (devices.base's
    #: supervisor): a camera plugged back in is online again within this (+ the open).
    reconnect_max_s: float = Field(2.0, gt=0, le=600)
