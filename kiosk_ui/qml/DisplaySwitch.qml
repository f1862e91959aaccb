import QtQuick
import "."

// A display-mode switch ("Larger text", "High contrast"): filled when on, outlined when
// off, and it says which ("On" / "Off"), so the state never depends on colour alone.
KioskButton {
    id: root
    property bool checked: false
    signal toggled(bool on)
    outline: !checked
    badge: checked ? qsTranslate("Shell", "On") : qsTranslate("Shell", "Off")
    Accessible.role: Accessible.CheckBox
    Accessible.checkable: true
    Accessible.checked: checked
    onClicked: toggled(!checked)
}
