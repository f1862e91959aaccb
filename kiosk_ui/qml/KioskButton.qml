import QtQuick
import "."

// A big touch button: optional icon on a disc, one line of text, pressed feedback.
// Reachable from the PIN pad / keyboard (Tab moves focus, Return or Enter presses) with a
// thick focus ring; sizes and colours from Theme, so it grows in large text and switches
// palette in high contrast.
Rectangle {
    id: root
    property string text
    property string icon: ""
    property color colour: Theme.blue
    property color pressedColour: Theme.bluePressed
    property color textColour: Theme.onDark
    property bool outline: false
    //: How much it grows in large text: Theme.textScale, or 1 for the header's and the
    //: footer's controls (already large; fixed so the page keeps its room).
    property real sizeScale: Theme.textScale
    property int fontSize: Math.round(40 * sizeScale)
    //: A short word after the text in a pill (a switch's "On" / "Off").
    property string badge: ""
    //: Room left and right of the content.
    property int padding: Theme.gap + 12
    signal clicked()

    implicitHeight: Math.max(Math.round(140 * sizeScale), row.implicitHeight + 24)
    implicitWidth: row.implicitWidth + 2 * padding
    radius: height / 2
    color: outline ? (tap.pressed ? Theme.disabledBg : Theme.card)
                   : (tap.pressed ? pressedColour : colour)
    border.width: outline ? Math.max(4, Theme.lineWidth) : (Theme.highContrast ? Theme.lineWidth : 0)
    border.color: outline ? colour : Theme.onDark
    scale: tap.pressed ? 0.98 : 1.0
    // Always in the focus chain: Qt's Tab (and the voice guide) skip hidden or disabled
    // items; a binding would try to drop the focused button when it hides (a Qt warning).
    activeFocusOnTab: true
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: if (enabled) root.clicked()
    Keys.onReturnPressed: if (enabled) root.clicked()
    Keys.onEnterPressed: if (enabled) root.clicked()
    Keys.onSpacePressed: if (enabled) root.clicked()

    // The focus ring: outside the button, thick, in a colour no button uses.
    Rectangle {
        objectName: "focusRing"
        visible: root.activeFocus
        anchors.fill: parent
        anchors.margins: -(Theme.focusWidth + 4)
        radius: root.radius + Theme.focusWidth + 4
        color: "transparent"
        border.width: Theme.focusWidth
        border.color: Theme.focus
    }

    Row {
        id: row
        anchors.centerIn: parent
        spacing: Math.round(22 * root.sizeScale)
        Rectangle {
            visible: root.icon !== ""
            width: Math.round(76 * root.sizeScale); height: width; radius: width / 2
            anchors.verticalCenter: parent.verticalCenter
            color: root.outline ? root.colour : Qt.rgba(1, 1, 1, 0.18)
            Image {
                anchors.centerIn: parent
                source: root.icon === "" ? "" : "icons/" + root.icon
                sourceSize: Qt.size(Math.round(50 * root.sizeScale), Math.round(50 * root.sizeScale))
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
        Rectangle {
            visible: root.badge !== ""
            anchors.verticalCenter: parent.verticalCenter
            width: badgeText.implicitWidth + Math.round(32 * root.sizeScale)
            height: badgeText.implicitHeight + Math.round(8 * root.sizeScale)
            radius: height / 2
            color: root.outline ? root.colour : Theme.onDark
            Text {
                id: badgeText
                anchors.centerIn: parent
                text: root.badge
                color: root.outline ? Theme.onDark : root.colour
                font.family: Theme.font
                font.pixelSize: root.fontSize - Math.round(4 * root.sizeScale)
                font.weight: Font.Bold
            }
        }
    }
    MouseArea { id: tap; anchors.fill: parent; onClicked: root.clicked() }
}
