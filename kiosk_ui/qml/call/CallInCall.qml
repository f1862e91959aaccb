import QtQuick
import SmartBranch.Views 1.0
import ".."

// In the call: the teller large, the customer's own picture small, mute and end.
Rectangle {
    id: page
    objectName: "callScreen_in_call"
    property string guidance: qsTr("You are talking to a teller on video. You can turn the microphone off or on, or end the call.")
    color: Theme.navyDeep

    // What the teller just did, in the customer's words (the call reports the action's
    // name; a flow may give its own sentence instead, shown as it is).
    function noticeText(code) {
        if (code === "print")
            return qsTr("Your teller is printing a document for you. Please take it from the printer.")
        if (code === "document.sign")
            return qsTr("Your teller has sent you a document to sign.")
        if (code === "identity.approve")
            return qsTr("Your teller has confirmed who you are. You can go on.")
        if (code === "identity.retry_id")
            return qsTr("Please show your ID card to the camera again.")
        if (code === "identity.decline")
            return qsTr("Your teller could not confirm who you are.")
        if (code === "handback")
            return qsTr("You can go on by yourself now.")
        return code
    }

    // Who, and the recording light.
    Item {
        id: top
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: Math.round(170 * Theme.textScale)
        Column {
            anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
            Text {
                text: qsTr("You are talking to")
                color: Theme.onDarkSoft
                font { family: Theme.font; pixelSize: Theme.small }
            }
            Text {
                objectName: "inCallTellerName"
                text: teller.tellerName !== "" ? teller.tellerName : qsTr("a bank teller")
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
            }
        }
        Rectangle {
            objectName: "recordingIndicator"
            visible: teller.recording
            anchors { right: parent.right; rightMargin: Theme.margin; verticalCenter: parent.verticalCenter }
            height: Math.round(84 * Theme.textScale)
            width: recRow.implicitWidth + 56
            radius: height / 2
            color: Qt.rgba(Theme.onDark.r, Theme.onDark.g, Theme.onDark.b, 0.12)
            Row {
                id: recRow
                anchors.centerIn: parent
                spacing: 18
                Rectangle {
                    width: 30; height: 30; radius: 15
                    color: Theme.amber
                    anchors.verticalCenter: parent.verticalCenter
                    SequentialAnimation on opacity {
                        loops: Animation.Infinite
                        running: teller.recording
                        NumberAnimation { from: 1; to: 0.35; duration: 900 }
                        NumberAnimation { from: 0.35; to: 1; duration: 900 }
                    }
                }
                Text {
                    text: qsTr("Recording")
                    color: Theme.onDark
                    font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
                    anchors.verticalCenter: parent.verticalCenter
                }
            }
        }
    }

    // The teller, as large as the screen allows.
    VideoView {
        id: remote
        objectName: "remoteVideo"
        anchors { left: parent.left; right: parent.right; top: top.bottom; bottom: controls.top; bottomMargin: 40 }
        feed: teller.remoteVideo
        fill: true
        background: Theme.navyDeep
        Text {
            visible: !remote.hasFrame
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("The teller's picture is on its way…")
            color: Theme.onDarkSoft
            font { family: Theme.font; pixelSize: Theme.body }
            wrapMode: Text.Wrap
        }
        // The customer, small, like a mirror.
        Rectangle {
            anchors { right: parent.right; bottom: parent.bottom; margins: 32 }
            width: 300 + 12; height: 225 + 12 + selfLabel.height
            radius: 18
            color: Theme.card
            VideoView {
                id: local
                objectName: "localVideo"
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 6 }
                height: 225
                feed: teller.localVideo
                mirror: true
                fill: true
            }
            Text {
                id: selfLabel
                anchors { horizontalCenter: parent.horizontalCenter; top: local.bottom }
                height: Math.round(46 * Theme.textScale)
                verticalAlignment: Text.AlignVCenter
                text: qsTr("You")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.small - 4; weight: Font.Bold }
            }
        }
    }

    Column {
        id: controls
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: Theme.margin; bottomMargin: 80 }
        spacing: 34
        // The teller cannot see the customer: say why, in plain words.
        Rectangle {
            objectName: "cameraProblem"
            visible: teller.cameraProblem !== ""
            width: parent.width
            height: cameraText.implicitHeight + 40
            radius: 20
            color: Theme.warnBg
            Text {
                id: cameraText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 28 }
                text: teller.cameraProblem === "camera_dark"
                      ? qsTr("The teller cannot see you well: the picture is too dark. Please stand in the light.")
                      : teller.cameraProblem === "camera_frozen"
                        ? qsTr("The camera picture has stopped, so the teller cannot see you. They can still hear you.")
                        : qsTr("The camera is not working, so the teller cannot see you. They can still hear you.")
                color: Theme.warnInk
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
        }
        // The teller's last instruction, or what the microphone is doing.
        Rectangle {
            objectName: "tellerNotice"
            visible: teller.notice !== ""
            width: parent.width
            height: noticeText.implicitHeight + 40
            radius: 20
            color: Theme.warnBg
            Text {
                id: noticeText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 28 }
                text: page.noticeText(teller.notice)
                color: Theme.warnInk
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
        }
        Text {
            objectName: "microphoneText"
            visible: teller.notice === "" || teller.muted
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: teller.muted ? qsTr("Your microphone is off. The teller cannot hear you.")
                               : qsTr("Speak normally. The teller can see and hear you.")
            color: teller.muted ? Theme.warnBg : Theme.onDarkSoft
            font { family: Theme.font; pixelSize: Theme.body }
            wrapMode: Text.Wrap
        }
        Grid {  // side by side; one above the other in large text (the words need the width)
            width: parent.width
            columns: Theme.largeText ? 1 : 2
            spacing: 32
            KioskButton {
                objectName: "muteButton"
                width: Theme.largeText ? parent.width : (parent.width - 32) / 2
                height: Math.round(160 * Theme.textScale)
                colour: teller.muted ? Theme.blue : Qt.rgba(Theme.onDark.r, Theme.onDark.g, Theme.onDark.b, 0.16)
                pressedColour: teller.muted ? Theme.bluePressed : Qt.rgba(Theme.onDark.r, Theme.onDark.g, Theme.onDark.b, 0.3)
                text: teller.muted ? qsTr("Turn on microphone") : qsTr("Turn off microphone")
                onClicked: teller.toggleMute()
            }
            KioskButton {
                objectName: "endCallButton"
                width: Theme.largeText ? parent.width : (parent.width - 32) / 2
                height: Math.round(160 * Theme.textScale)
                colour: Theme.amber
                pressedColour: Theme.amberPressed
                text: qsTr("End the call")
                onClicked: teller.end()
            }
        }
    }
}
