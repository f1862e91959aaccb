import QtQuick
import "."

// "Need more time?" with a countdown; nobody answering ends the session.
Rectangle {
    id: root
    objectName: "timeoutPrompt"
    property string guidance: qsTr("Do you need more time? Choose yes to go on, or no if you are finished.")
    color: Qt.rgba(0.03, 0.12, 0.21, 0.78)
    MouseArea { anchors.fill: parent }   // the screen behind is not reachable

    Rectangle {
        anchors.centerIn: parent
        width: 940
        height: box.implicitHeight + Math.round(100 * Theme.textScale)
        radius: Theme.radius + 8
        color: Theme.card
        Column {
            id: box
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.largeText ? 50 : 70 }
            spacing: Theme.largeText ? 26 : 34
            IconDisc { anchors.horizontalCenter: parent.horizontalCenter; icon: "clock.svg"; width: Theme.largeText ? 120 : 150; color: Theme.blue }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
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
                wrapMode: Text.Wrap
            }
            Rectangle {
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.round(220 * Theme.textScale); height: width; radius: width / 2
                color: Theme.page
                border { width: 10; color: Theme.blue }
                Column {
                    anchors.centerIn: parent
                    Text {
                        objectName: "promptSeconds"
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: shell.promptSecondsLeft
                        color: Theme.navy
                        font { family: Theme.font; pixelSize: Math.round(96 * Theme.textScale); weight: Font.Bold }
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
                height: Math.max(Math.round(150 * Theme.textScale), implicitHeight)
                icon: "check.svg"
                text: qsTr("Yes, I need more time")
                onClicked: shell.moreTime()
            }
            KioskButton {
                objectName: "finishButton"
                width: parent.width
                height: Math.max(Math.round(150 * Theme.textScale), implicitHeight)
                outline: true
                colour: Theme.navy
                text: qsTr("No, I am finished")
                onClicked: shell.endSession()
            }
        }
    }
}
