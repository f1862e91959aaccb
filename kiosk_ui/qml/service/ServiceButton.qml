import QtQuick
import ".."

// A technician's button: smaller than a customer's, still a comfortable target (≥ 96 px).
Rectangle {
    id: root
    property string text
    property color colour: Theme.blue
    property bool outline: false
    property bool busy: false
    property int fontSize: 30
    signal clicked()

    implicitHeight: 96
    implicitWidth: label.implicitWidth + 64
    radius: 16
    opacity: enabled ? 1.0 : 0.45
    color: outline ? (tap.pressed ? Theme.disabledBg : Theme.card) : (tap.pressed ? Qt.darker(colour, 1.25) : colour)
    border.width: outline ? 3 : 0
    border.color: colour
    Accessible.role: Accessible.Button
    Accessible.name: text

    Text {
        id: label
        anchors.centerIn: parent
        text: root.busy ? "…  " + root.text : root.text
        color: root.outline ? root.colour : Theme.onDark
        font { family: Theme.font; pixelSize: root.fontSize; weight: Font.Bold }
    }
    MouseArea { id: tap; anchors.fill: parent; enabled: !root.busy; onClicked: root.clicked() }
}
