import QtQuick
import "."

// Services as big cards. A service this kiosk cannot offer now is shown, disabled, with
// the reason in plain words — never a pretend flow.
Item {
    id: root
    objectName: "menuScreen"
    readonly property var colours: ({ "card": Theme.blue, "checkin": Theme.teal, "teller": Theme.amber })

    function reasonText(entry) {
        if (entry.reason === "not_installed")
            return qsTr("Not offered at this machine yet. A teller can help you.")
        if (entry.reason === "starting")
            return qsTr("Getting ready, please wait a moment.")
        if (entry.reason === "devices_down")
            return qsTr("Temporarily unavailable. A teller can help you.")
        return ""
    }

    Column {
        id: heading
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.margin; topMargin: 70 }
        spacing: 12
        Text {
            text: qsTr("What would you like to do?")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
            width: parent.width; wrapMode: Text.WordWrap
        }
        Text {
            text: qsTr("Touch a service to begin.")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: Theme.body }
        }
    }

    Column {
        anchors { left: parent.left; right: parent.right; top: heading.bottom; margins: Theme.margin; topMargin: 60 }
        spacing: 40
        Repeater {
            model: shell.menu
            delegate: Rectangle {
                id: card
                objectName: "service_" + modelData.id
                readonly property bool available: modelData.available
                readonly property color tint: available ? (root.colours[modelData.id] || Theme.blue) : "#8693A6"
                width: parent.width
                height: Math.max(300, body.implicitHeight + 124)
                radius: Theme.radius
                color: !available ? Theme.disabledBg : (tap.pressed ? "#E3ECF6" : Theme.card)
                border { width: available ? 3 : 0; color: tap.pressed ? tint : Theme.line }
                scale: tap.pressed && available ? 0.985 : 1

                IconDisc {
                    id: disc
                    anchors { left: parent.left; leftMargin: 48; verticalCenter: parent.verticalCenter }
                    width: 160
                    icon: modelData.icon
                    color: card.tint
                }
                Column {
                    id: body
                    anchors { left: disc.right; leftMargin: 44; right: parent.right; rightMargin: card.available ? 150 : 48; top: parent.top; topMargin: 62 }
                    spacing: 10
                    Text {
                        width: parent.width
                        text: qsTranslate("Services", modelData.title)
                        color: card.available ? Theme.ink : Theme.disabledInk
                        font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
                        wrapMode: Text.WordWrap
                    }
                    Text {
                        width: parent.width
                        visible: card.available
                        text: qsTranslate("Services", modelData.subtitle)
                        color: Theme.inkSoft
                        font { family: Theme.font; pixelSize: Theme.small + 2 }
                        wrapMode: Text.WordWrap
                    }
                    Rectangle {
                        objectName: "reason_" + modelData.id
                        visible: !card.available
                        width: parent.width
                        height: reason.implicitHeight + 36
                        radius: 18
                        color: Theme.warnBg
                        Text {
                            id: reason
                            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 24 }
                            text: root.reasonText(modelData)
                            color: Theme.warnInk
                            font { family: Theme.font; pixelSize: Theme.small }
                            wrapMode: Text.WordWrap
                        }
                    }
                }
                Image {   // "this way": only on what can be opened
                    visible: card.available
                    anchors { right: parent.right; rightMargin: 48; verticalCenter: disc.verticalCenter }
                    source: "icons/chevron.svg"
                    sourceSize: Qt.size(72, 72)
                }
                MouseArea { id: tap; anchors.fill: parent; enabled: card.available; onClicked: shell.openService(modelData.id) }
            }
        }
    }
}
