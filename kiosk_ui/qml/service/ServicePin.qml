import QtQuick
import ".."

// The technician's PIN: large digits, masked dots, failures left, the lock-out countdown.
Item {
    id: page
    objectName: "servicePin"
    readonly property bool locked: service.lockedSeconds > 0
    readonly property int dots: Math.max(6, service.pinLength)

    ServiceTopBar { id: bar; title: qsTr("Service mode"); anchors { left: parent.left; right: parent.right; top: parent.top } }

    Column {
        id: head
        anchors { left: parent.left; right: parent.right; top: bar.bottom; margins: 64; topMargin: 70 }
        spacing: 18
        Text {
            text: qsTr("Technician PIN")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        }
        Text {
            width: parent.width
            text: qsTr("Enter your personal PIN. Every sign-in and every action is recorded in the journal.")
            color: Theme.inkSoft
            wrapMode: Text.Wrap
            font { family: Theme.font; pixelSize: Theme.small }
        }
    }

    Row {
        id: dotRow
        objectName: "pinDots"
        anchors { horizontalCenter: parent.horizontalCenter; top: head.bottom; topMargin: 60 }
        spacing: 28
        Repeater {
            model: page.dots
            Rectangle {
                width: 48; height: 48; radius: 24
                color: index < service.pinLength ? Theme.navy : "transparent"
                border { width: 4; color: page.locked ? Theme.line : Theme.navy }
            }
        }
    }

    Rectangle {
        id: messageBox
        objectName: "pinMessage"
        anchors { left: parent.left; right: parent.right; top: dotRow.bottom; margins: 64; topMargin: 44 }
        height: 150
        radius: 18
        visible: msg.text !== ""
        color: service.message === "" && !page.locked ? "transparent" : Theme.warnBg
        Text {
            id: msg
            anchors { fill: parent; margins: 24 }
            verticalAlignment: Text.AlignVCenter
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: service.message === "" && !page.locked ? Theme.inkSoft : Theme.warnInk
            font { family: Theme.font; pixelSize: 34; weight: Font.Bold }
            text: {
                if (page.locked) {
                    var m = Math.floor(service.lockedSeconds / 60), s = service.lockedSeconds % 60
                    return qsTr("Locked after too many wrong PINs. Try again in %1 min %2 s.").arg(m).arg(s)
                }
                if (service.checking) return qsTr("Checking…")
                if (service.message === "wrong_pin")
                    return qsTr("Wrong PIN. %1 more wrong PIN(s) lock service mode.").arg(service.failuresLeft)
                if (service.message === "no_technicians")
                    return qsTr("No technician is set up on this kiosk ([technician] technicians in kiosk.toml).")
                if (service.message === "not_ready")
                    return qsTr("The kiosk has not finished starting. Try again in a moment.")
                if (service.message === "error")
                    return qsTr("The PIN could not be checked. See the log.")
                return ""
            }
        }
    }

    ServiceKeypad {
        objectName: "pinKeypad"
        anchors { horizontalCenter: parent.horizontalCenter; top: messageBox.bottom; topMargin: 40 }
        prefix: "pin"
        keyWidth: 290; keyHeight: 170
        enabled: !page.locked && !service.checking
        okEnabled: service.pinLength >= service.minPinLength
        okText: qsTr("OK")
        onDigit: function(d) { service.digit(d) }
        onBack: service.backspace()
        onOk: service.submitPin()
    }

    ServiceButton {
        objectName: "pinCancel"
        anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: 70 }
        width: 500; height: 120
        outline: true
        colour: Theme.navy
        fontSize: 38
        text: qsTr("Cancel")
        onClicked: service.cancel()
    }
}
