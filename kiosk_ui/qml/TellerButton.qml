import QtQuick
import "."

// "Call a teller / 呼叫柜员": on every screen, in the customer's language with the other
// language beneath it, so someone lost in the wrong language still finds help.
Rectangle {
    id: root
    objectName: "callTellerButton"
    readonly property string other: {
        var others = shell.languages.filter(function (l) { return l !== shell.language })
        return others.length > 0 ? others[0] : ""
    }
    property bool onDark: false
    //: Theme.textScale, or 1 in the footer (fixed, so the page keeps its room).
    property real sizeScale: Theme.textScale
    implicitWidth: Math.max(440, content.implicitWidth + 80)
    implicitHeight: Math.max(Math.round(150 * root.sizeScale), content.implicitHeight + 24)
    radius: height / 2
    color: tap.pressed ? Theme.amberPressed : Theme.amber
    border.width: onDark || Theme.highContrast ? 4 : 0
    border.color: Theme.highContrast ? Theme.onDark : Qt.rgba(1, 1, 1, 0.5)
    scale: tap.pressed ? 0.98 : 1.0
    activeFocusOnTab: true  // skipped while hidden (see KioskButton)
    readonly property string accessibleName: qsTranslate("Shell", "Call a teller")
    Accessible.role: Accessible.Button
    Accessible.name: accessibleName
    Accessible.onPressAction: shell.callTeller()
    Keys.onReturnPressed: shell.callTeller()
    Keys.onEnterPressed: shell.callTeller()
    Keys.onSpacePressed: shell.callTeller()

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
        id: content
        anchors.centerIn: parent
        spacing: 22
        Rectangle {
            width: Math.round(92 * root.sizeScale); height: width; radius: width / 2
            anchors.verticalCenter: parent.verticalCenter
            color: Qt.rgba(1, 1, 1, 0.2)
            Image {
                anchors.centerIn: parent; source: "icons/teller.svg"
                sourceSize: Qt.size(Math.round(62 * root.sizeScale), Math.round(62 * root.sizeScale))
            }
        }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            Text {
                text: qsTranslate("Shell", "Call a teller")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Math.round(44 * root.sizeScale); weight: Font.Bold }
            }
            Text {
                visible: root.other !== ""
                text: root.other === "" ? "" : i18n.inLanguage(root.other, "Shell", "Call a teller")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Math.round(28 * root.sizeScale) }
            }
        }
    }
    MouseArea { id: tap; anchors.fill: parent; onClicked: shell.callTeller() }
}
