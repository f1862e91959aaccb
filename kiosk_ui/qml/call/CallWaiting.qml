import QtQuick
import ".."

// In the queue: the place, the wait in minutes, what to do meanwhile; stop waiting.
CallCard {
    objectName: "callScreen_waiting"
    property string guidance: teller.position > 0 ? qsTr("You are number %1 in the queue for a teller. Please wait here, or stop waiting.").arg(teller.position)
                                               : qsTr("Calling a teller. Please wait here, or stop waiting.")
    busy: true
    title: teller.position > 0 ? qsTr("You are number %1 in the queue").arg(teller.position)
                               : qsTr("Calling a teller…")
    body: ""

    Rectangle {
        width: parent.width
        height: Math.round(180 * Theme.textScale)
        radius: 24
        color: Theme.page
        Row {
            anchors.centerIn: parent
            spacing: 26
            IconDisc { icon: "clock.svg"; width: 110; color: Theme.navy; anchors.verticalCenter: parent.verticalCenter }
            Column {
                anchors.verticalCenter: parent.verticalCenter
                Text {
                    text: qsTr("Waiting time")
                    color: Theme.inkSoft
                    font { family: Theme.font; pixelSize: Theme.small }
                }
                Text {
                    objectName: "waitText"
                    text: teller.waitMinutes <= 0 ? qsTr("less than a minute")
                        : teller.waitMinutes === 1 ? qsTr("about 1 minute")
                        : qsTr("about %1 minutes").arg(teller.waitMinutes)
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
                }
            }
        }
    }
    Text {
        width: parent.width
        text: qsTr("While you wait:")
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        wrapMode: Text.Wrap
    }
    Repeater {
        model: [qsTr("Please stay in front of the screen."),
                qsTr("Have your ID card ready, if you brought it."),
                qsTr("The teller's picture will appear here by itself.")]
        delegate: Row {
            width: parent.width
            spacing: 20
            Rectangle { width: 16; height: 16; radius: 8; color: Theme.amber; y: Math.round(22 * Theme.textScale) }
            Text {
                width: parent.width - 36
                text: modelData
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body }
                wrapMode: Text.Wrap
            }
        }
    }
    KioskButton {
        objectName: "stopWaiting"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        text: qsTr("Stop waiting")
        onClicked: teller.end()
    }
}
