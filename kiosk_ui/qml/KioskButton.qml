import QtQuick
import "."

// A big touch button: optional icon on a disc, one line of text, pressed feedback.
Rectangle {
    id: root
    property string text
    property string icon: ""
    property color colour: Theme.blue
    property color pressedColour: Theme.bluePressed
    property color textColour: Theme.onDark
    property bool outline: false
    property int fontSize: Theme.body
    signal clicked()

    implicitHeight: Theme.target
    implicitWidth: row.implicitWidth + 2 * Theme.gap + 24
    radius: height / 2
    color: outline ? (tap.pressed ? Theme.disabledBg : Theme.card)
                   : (tap.pressed ? pressedColour : colour)
    border.width: outline ? 4 : 0
    border.color: colour
    scale: tap.pressed ? 0.98 : 1.0
    Accessible.role: Accessible.Button
    Accessible.name: text

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 22
        Rectangle {
            visible: root.icon !== ""
            width: 76; height: 76; radius: 38
            anchors.verticalCenter: parent.verticalCenter
            color: root.outline ? root.colour : Qt.rgba(1, 1, 1, 0.18)
            Image {
                anchors.centerIn: parent
                source: root.icon === "" ? "" : "icons/" + root.icon
                sourceSize: Qt.size(50, 50)
            }
        }
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: root.text
            color: root.outline ? root.colour : root.textColour
            font.family: Theme.font
            font.pixelSize: root.fontSize
            font.weight: Font.Bold
        }
    }
    MouseArea { id: tap; anchors.fill: parent; onClicked: root.clicked() }
}
