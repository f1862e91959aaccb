import QtQuick
import ".."

// Before the camera goes live: what it and the recording are for; yes or no.
CallCard {
    objectName: "callScreen_consent"
    property string guidance: qsTr("Talk to a teller on video? The teller will see and hear you, and the call is recorded. Choose yes, call a teller, or no, thank you.")
    icon: "teller.svg"
    iconColour: Theme.blue
    title: qsTr("Talk to a teller on video?")
    body: qsTr("The teller will see and hear you through this machine's camera and microphone, so they can help you and check your ID card.")

    Rectangle {
        objectName: "consentRecording"
        visible: teller.recording
        width: parent.width
        height: recNote.implicitHeight + 48
        radius: 20
        color: Theme.warnBg
        Text {
            id: recNote
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
            text: qsTr("The call is recorded and kept safely by the bank as proof of what was agreed. Only the bank can see it.")
            color: Theme.warnInk
            font { family: Theme.font; pixelSize: Theme.body - 4 }
            wrapMode: Text.Wrap
        }
    }
    Text {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Is that all right?")
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        wrapMode: Text.Wrap
    }
    KioskButton {
        objectName: "consentYes"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "check.svg"
        text: qsTr("Yes, call a teller")
        onClicked: teller.consent(true)
    }
    KioskButton {
        objectName: "consentNo"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        text: qsTr("No, thank you")
        onClicked: teller.consent(false)
    }
}
