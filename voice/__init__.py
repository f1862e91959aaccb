"""Voice guidance (issue 14): the screens' guidance text spoken through espeak-ng.

Qt-free: settings (``[voice]``), the engine (:mod:`voice.engine`), the speaker that never
blocks its caller (:mod:`voice.speaker`) and the headphone jack (:mod:`voice.jack`)."""
