import QtQuick
import "."

// The call screens, over whatever the customer was doing. Which one comes from
// teller.screen (kiosk_ui.teller.TellerDesk); without a video link the card says honestly
// that video is not connected and points to the counter.
Rectangle {
    id: root
    objectName: "callTellerOverlay"
    readonly property string screen: teller.screen
    readonly property bool plain: screen === "not_connected" || screen === "calling"
    // The call pages (call/*.qml) say their own; this is the plain "calling" card's.
    property string guidance: plain ? qsTr("We are calling a teller for you. Please stay at this machine. You can cancel the call.") : ""
    color: screen === "in_call" || screen === "document" ? Theme.navyDeep : Qt.rgba(0.03, 0.12, 0.21, 0.78)
    MouseArea { anchors.fill: parent }

    Loader {
        id: page
        objectName: "callScreenLoader"
        anchors.fill: parent
        active: !root.plain
        source: ({
            "consent": "call/CallConsent.qml",
            "waiting": "call/CallWaiting.qml",
            "connecting": "call/CallConnecting.qml",
            "in_call": "call/CallInCall.qml",
            "document": "call/CallDocument.qml",
            "reconnecting": "call/CallReconnecting.qml",
            "teller_ended": "call/CallEnded.qml",
            "no_teller": "call/CallNoTeller.qml",
            "callback_booked": "call/CallbackBooked.qml",
            "unavailable": "call/CallUnavailable.qml"
        })[root.screen] || ""
    }

    Rectangle {
        visible: root.plain
        anchors.centerIn: parent
        width: 940
        height: box.implicitHeight + Math.round(110 * Theme.textScale)
        radius: Theme.radius + 8
        color: Theme.card
        Column {
            id: box
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.largeText ? 50 : 70 }
            spacing: Theme.largeText ? 26 : 36
            Item {
                anchors.horizontalCenter: parent.horizontalCenter
                width: 260; height: Theme.largeText ? 220 : 260
                Rectangle {
                    id: ring
                    anchors.centerIn: parent
                    width: parent.height - 10; height: width; radius: width / 2
                    color: "transparent"
                    border { width: 8; color: Theme.amber }
                    opacity: 0.5
                    SequentialAnimation on scale {
                        running: root.plain && teller.state === "requesting"
                        loops: Animation.Infinite
                        NumberAnimation { from: 0.75; to: 1.0; duration: 900; easing.type: Easing.OutQuad }
                        PauseAnimation { duration: 300 }
                    }
                }
                IconDisc { anchors.centerIn: parent; icon: "teller.svg"; width: parent.height - 80; color: Theme.amber }
            }
            Text {
                objectName: "tellerTitle"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Calling a teller…")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("We are asking a bank employee to help you. Please stay at this machine.")
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body }
                wrapMode: Text.Wrap
                lineHeight: 1.1
            }
            Rectangle {
                objectName: "tellerNotLinked"
                visible: !teller.linked
                width: parent.width
                height: note.implicitHeight + 48
                radius: 20
                color: Theme.warnBg
                border { width: Theme.highContrast ? Theme.lineWidth : 0; color: Theme.warnInk }
                Text {
                    id: note
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
                    text: qsTr("Video calls are not connected at this machine. If nobody comes soon, please go to the counter.")
                    color: Theme.warnInk
                    font { family: Theme.font; pixelSize: Theme.small }
                    wrapMode: Text.Wrap
                }
            }
            KioskButton {
                objectName: "cancelTellerButton"
                width: parent.width
                height: Math.max(Math.round(150 * Theme.textScale), implicitHeight)
                outline: true
                colour: Theme.navy
                text: qsTr("Cancel the call")
                onClicked: shell.cancelTeller()
            }
        }
    }
}
