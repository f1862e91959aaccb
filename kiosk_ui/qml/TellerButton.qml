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
    width: Math.max(440, content.implicitWidth + 80)
    height: 150
    radius: height / 2
    color: tap.pressed ? Theme.amberPressed : Theme.amber
    border.width: onDark ? 4 : 0
    border.color: Qt.rgba(1, 1, 1, 0.5)
    scale: tap.pressed ? 0.98 : 1.0
    Accessible.role: Accessible.Button
    Accessible.name: qsTranslate("Shell", "Call a teller")

    Row {
        id: content
        anchors.centerIn: parent
        spacing: 22
        Rectangle {
            width: 92; height: 92; radius: 46
            anchors.verticalCenter: parent.verticalCenter
            color: Qt.rgba(1, 1, 1, 0.2)
            Image { anchors.centerIn: parent; source: "icons/teller.svg"; sourceSize: Qt.size(62, 62) }
        }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            Text {
                text: qsTranslate("Shell", "Call a teller")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.body + 4; weight: Font.Bold }
            }
            Text {
                visible: root.other !== ""
                text: root.other === "" ? "" : i18n.inLanguage(root.other, "Shell", "Call a teller")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.small - 4 }
            }
        }
    }
    MouseArea { id: tap; anchors.fill: parent; onClicked: shell.callTeller() }
}
