import QtQuick
import "."

// "Need more time?" with a countdown; nobody answering ends the session.
Rectangle {
    id: root
    objectName: "timeoutPrompt"
    color: Qt.rgba(0.03, 0.12, 0.21, 0.78)
    MouseArea { anchors.fill: parent }   // the screen behind is not reachable

    Rectangle {
        anchors.centerIn: parent
        width: 940
        height: box.implicitHeight + 130
        radius: Theme.radius + 8
        color: Theme.card
        Column {
            id: box
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 70 }
            spacing: 34
            IconDisc { anchors.horizontalCenter: parent.horizontalCenter; icon: "clock.svg"; width: 150; color: Theme.blue }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Need more time?")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Please answer, or the screen will be cleared to protect your privacy.")
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body }
                wrapMode: Text.WordWrap
            }
            Rectangle {
                anchors.horizontalCenter: parent.horizontalCenter
                width: 220; height: 220; radius: 110
                color: Theme.page
                border { width: 10; color: Theme.blue }
                Column {
                    anchors.centerIn: parent
                    Text {
                        objectName: "promptSeconds"
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: shell.promptSecondsLeft
                        color: Theme.navy
                        font { family: Theme.font; pixelSize: 96; weight: Font.Bold }
                    }
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("seconds")
                        color: Theme.inkSoft
                        font { family: Theme.font; pixelSize: Theme.small - 4 }
                    }
                }
            }
            KioskButton {
                objectName: "moreTimeButton"
                width: parent.width
                height: 150
                icon: "check.svg"
                text: qsTr("Yes, I need more time")
                onClicked: shell.moreTime()
            }
            KioskButton {
                objectName: "finishButton"
                width: parent.width
                height: 150
                outline: true
                colour: Theme.navy
                text: qsTr("No, I am finished")
                onClicked: shell.endSession()
            }
        }
    }
}
