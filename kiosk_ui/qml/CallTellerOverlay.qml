import QtQuick
import "."

// The customer asked for a teller. Says honestly what is happening; can be cancelled.
Rectangle {
    id: root
    objectName: "callTellerOverlay"
    color: Qt.rgba(0.03, 0.12, 0.21, 0.78)
    MouseArea { anchors.fill: parent }

    Rectangle {
        anchors.centerIn: parent
        width: 940
        height: box.implicitHeight + 140
        radius: Theme.radius + 8
        color: Theme.card
        Column {
            id: box
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 70 }
            spacing: 36
            Item {
                anchors.horizontalCenter: parent.horizontalCenter
                width: 260; height: 260
                Rectangle {
                    id: ring
                    anchors.centerIn: parent
                    width: 250; height: 250; radius: 125
                    color: "transparent"
                    border { width: 8; color: Theme.amber }
                    opacity: 0.5
                    SequentialAnimation on scale {
                        running: teller.state === "requesting"
                        loops: Animation.Infinite
                        NumberAnimation { from: 0.75; to: 1.0; duration: 900; easing.type: Easing.OutQuad }
                        PauseAnimation { duration: 300 }
                    }
                }
                IconDisc { anchors.centerIn: parent; icon: "teller.svg"; width: 180; color: Theme.amber }
            }
            Text {
                objectName: "tellerTitle"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: teller.state === "connected" ? qsTr("A teller is with you") : qsTr("Calling a teller…")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
                wrapMode: Text.WordWrap
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("We are asking a bank employee to help you. Please stay at this machine.")
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body }
                wrapMode: Text.WordWrap
                lineHeight: 1.1
            }
            Rectangle {
                objectName: "tellerNotLinked"
                visible: !teller.linked
                width: parent.width
                height: note.implicitHeight + 48
                radius: 20
                color: Theme.warnBg
                Text {
                    id: note
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
                    text: qsTr("Video calls are not connected at this machine yet. If nobody comes soon, please go to the counter.")
                    color: Theme.warnInk
                    font { family: Theme.font; pixelSize: Theme.small }
                    wrapMode: Text.WordWrap
                }
            }
            KioskButton {
                objectName: "cancelTellerButton"
                width: parent.width
                height: 150
                outline: true
                colour: Theme.navy
                text: qsTr("Cancel the call")
                onClicked: shell.cancelTeller()
            }
        }
    }
}
