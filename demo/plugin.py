"""The demo's entry points for the composition root: its camera scenes and its customer.

(Also re-exported as ``demo.register_scenes`` / ``demo.attach_customer``; import them from
here where the installed package may still map ``demo`` as a namespace package.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demo.customer import DemoRuntime


#: The demo's camera scenes (demo/scenes.py), registered by name: nothing is imported
#: until a camera plays one.
SCENES = {
    "customer": "demo.scenes:make_customer",
    "idcard": "demo.scenes:make_idcard",
    "idcard-glare": "demo.scenes:make_idcard_glare",
    "idcard-blur": "demo.scenes:make_idcard_blur",
}


def register_scenes() -> tuple[str, ...]:
    """Add the demo's camera scenes to ``sim://camera?scene=…`` (idempotent); returns their
    names. The composition root calls it at start, before any camera opens."""
    from devices.camera.scene_registry import register_scene

    for name, factory in SCENES.items():
        register_scene(name, factory)
    return tuple(SCENES)


def attach_customer(runtime: DemoRuntime) -> bool:
    """For a demo configuration: the simulated customer follows the screen's prompts in
    front of the simulated camera. Returns whether it was attached."""
    from demo.customer import attach

    return attach(runtime)
