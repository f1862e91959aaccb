import QtQuick
import SmartBranch.Views 1.0
import "../qml"

// Appointment check-in: QR code or phone + booking code → confirm → queue ticket.
// Binds to the view-model (`flow`) and forwards taps; the shell keeps the header
// (language) and the footer (Call a teller) around it.
Item {
    id: page
    objectName: "checkinPage"
    property QtObject flow
    readonly property string step: flow ? flow.step : ""

    // -- small parts --------------------------------------------------------------------
    component Heading: Text {
        width: parent ? parent.width : 0
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        wrapMode: Text.WordWrap
    }
    component Body: Text {
        width: parent ? parent.width : 0
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: Theme.body }
        wrapMode: Text.WordWrap
        lineHeight: 1.1
    }
    component Key: Rectangle {
        id: key
        property string label
        property string value: label
        property int fontSize: 64
        signal pressed(string value)
        objectName: "key_" + value
        radius: 24
        color: area.pressed ? "#DCE6F2" : Theme.card
        border { width: 3; color: area.pressed ? Theme.blue : Theme.line }
        Text {
            anchors.centerIn: parent
            text: key.label
            color: Theme.ink
            font { family: Theme.font; pixelSize: key.fontSize; weight: Font.Bold }
        }
        MouseArea { id: area; anchors.fill: parent; onClicked: key.pressed(key.value) }
    }
    component Field: Rectangle {
        property string value
        property string placeholder
        width: parent ? parent.width : 0
        height: 150
        radius: 24
        color: Theme.card
        border { width: 4; color: Theme.blue }
        Text {
            anchors.centerIn: parent
            text: parent.value !== "" ? parent.value : parent.placeholder
            color: parent.value !== "" ? Theme.ink : Theme.inkSoft
            font { family: Theme.font; pixelSize: parent.value !== "" ? 80 : Theme.body; weight: Font.Bold; letterSpacing: parent.value !== "" ? 6 : 0 }
        }
    }

    // kiosk_core.failures.Failure, from the view-model (no reason typed twice by hand).
    readonly property var failures: flow ? flow.failures : ({})
    function errorTitle(code) {
        if (code === page.failures.USED) return qsTr("This appointment is already checked in")
        if (code === page.failures.CANCELLED) return qsTr("This appointment was cancelled")
        if (code === page.failures.NO_SHOW) return qsTr("This appointment was marked as missed")
        if (code === page.failures.TOO_EARLY) return qsTr("It is too early to check in")
        if (code === page.failures.TOO_LATE) return qsTr("The check-in time has passed")
        if (code === page.failures.NOT_TODAY) return qsTr("Your appointment is on another day")
        if (code === page.failures.TOO_MANY) return qsTr("We could not find your appointment")
        if (code === page.failures.CAMERA) return qsTr("The camera is not working right now")
        if (code === page.failures.NO_QR) return qsTr("We could not read a QR code")
        if (code === page.failures.FAILED) return qsTr("Sorry, something went wrong")
        if (code === page.failures.INVALID && flow && flow.path === "qr") return qsTr("This QR code is not a branch appointment")
        return qsTr("We could not find your appointment")
    }
    function errorText(code, detail) {
        if (code === page.failures.USED) return qsTr("If you have lost your ticket, please ask a member of staff.")
        if (code === page.failures.CANCELLED) return qsTr("You can book again online, or a member of staff can help you now.")
        if (code === page.failures.NO_SHOW) return qsTr("Please ask a member of staff.")
        if (code === page.failures.TOO_EARLY) return qsTr("Check-in opens at %1. Please come back then.").arg(detail)
        if (code === page.failures.TOO_LATE) return qsTr("Please ask a member of staff. They can still help you today.")
        if (code === page.failures.NOT_TODAY) return qsTr("Your appointment is on %1. Please come back that day.").arg(detail)
        if (code === page.failures.TOO_MANY) return qsTr("The phone number and booking code did not match several times. Please ask a member of staff or call a teller.")
        if (code === page.failures.CAMERA) return qsTr("Please use your phone number and booking code instead.")
        if (code === page.failures.NO_QR) return qsTr("Hold your phone a little closer to the camera, or use your phone number and booking code.")
        if (code === page.failures.FAILED) return qsTr("Please ask a member of staff.")
        if (flow && flow.path === "qr") return qsTr("Please show the QR code from your booking message, or use your phone number and booking code.")
        return qsTr("Please check your phone number and booking code. Tries left: %1").arg(flow ? flow.attemptsLeft : 0)
    }

    // -- choose a way ------------------------------------------------------------------
    Column {
        objectName: "checkinChoose"
        visible: page.step === "choose"
        anchors { fill: parent; margins: Theme.margin; topMargin: 70 }
        spacing: 40
        Heading { text: qsTr("Check in for your appointment") }
        Body { text: qsTr("How would you like to find your booking?") }
        Item { width: 1; height: 10 }
        Repeater {
            model: [
                { "id": "checkin_qr", "icon": "calendar.svg", "colour": Theme.teal,
                  "title": qsTr("Scan my QR code"),
                  "sub": qsTr("Show the QR code from your booking message to the camera.") },
                { "id": "checkin_phone", "icon": "touch.svg", "colour": Theme.blue,
                  "title": qsTr("Enter phone number and booking code"),
                  "sub": qsTr("Type them on the screen. The code is in your booking message.") }
            ]
            delegate: Rectangle {
                objectName: modelData.id
                width: parent.width
                height: Math.max(300, texts.implicitHeight + 110)
                radius: Theme.radius
                color: tapArea.pressed ? "#E3ECF6" : Theme.card
                border { width: 3; color: tapArea.pressed ? modelData.colour : Theme.line }
                IconDisc {
                    id: disc
                    anchors { left: parent.left; leftMargin: 48; verticalCenter: parent.verticalCenter }
                    width: 160; icon: modelData.icon; color: modelData.colour
                }
                Column {
                    id: texts
                    anchors { left: disc.right; leftMargin: 44; right: parent.right; rightMargin: 48; verticalCenter: parent.verticalCenter }
                    spacing: 14
                    Text { width: parent.width; text: modelData.title; color: Theme.ink; wrapMode: Text.WordWrap
                           font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold } }
                    Text { width: parent.width; text: modelData.sub; color: Theme.inkSoft; wrapMode: Text.WordWrap
                           font { family: Theme.font; pixelSize: Theme.small + 4 } }
                }
                MouseArea {
                    id: tapArea; anchors.fill: parent
                    onClicked: modelData.id === "checkin_qr" ? flow.chooseQr() : flow.choosePhone()
                }
            }
        }
    }

    // -- scan the QR code ------------------------------------------------------------------
    Column {
        objectName: "checkinScan"
        visible: page.step === "scan"
        anchors { fill: parent; margins: Theme.margin; topMargin: 60 }
        spacing: 30
        Heading { text: qsTr("Hold your QR code up to the camera") }
        Body { text: qsTr("The camera is just above this screen. Turn up your phone's brightness.") }
        FrameView {
            objectName: "cameraPreview"
            width: parent.width; height: width * 3 / 4
            image: flow ? flow.preview : undefined
        }
        Body { text: qsTr("Looking for a QR code…"); horizontalAlignment: Text.AlignHCenter; color: Theme.teal }
        KioskButton {
            objectName: "scan_use_phone"
            width: parent.width; outline: true
            text: qsTr("Use phone number instead")
            onClicked: flow.choosePhone()
        }
    }

    // -- phone number --------------------------------------------------------------------------
    Column {
        objectName: "checkinPhone"
        visible: page.step === "phone"
        anchors { fill: parent; margins: Theme.margin; topMargin: 50 }
        spacing: 30
        Heading { text: qsTr("Enter your mobile phone number") }
        Field { objectName: "phoneField"; value: flow ? flow.phone : ""; placeholder: qsTr("The number you booked with") }
        Grid {
            id: numpad
            columns: 3; spacing: 20
            readonly property real keyW: (parent.width - 2 * spacing) / 3
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                Key { width: numpad.keyW; height: 150; label: modelData; onPressed: (v) => flow.press(v) }
            }
            Key { width: numpad.keyW; height: 150; label: "⌫"; value: "del"; onPressed: flow.deleteKey() }
            Key { width: numpad.keyW; height: 150; label: "0"; onPressed: (v) => flow.press(v) }
            KioskButton {
                objectName: "phone_next"
                width: numpad.keyW; height: 150
                text: qsTr("Next")
                colour: flow && flow.phoneOk ? Theme.blue : "#8693A6"
                onClicked: flow.phoneNext()
            }
        }
        KioskButton { objectName: "phone_back"; width: parent.width; outline: true; text: qsTr("Back"); onClicked: flow.back() }
    }

    // -- booking code --------------------------------------------------------------------------
    Column {
        objectName: "checkinCode"
        visible: page.step === "code"
        anchors { fill: parent; margins: Theme.margin; topMargin: 40 }
        spacing: 24
        Heading { text: qsTr("Enter your booking code") }
        Body { text: qsTr("6 letters and numbers, from your booking message.") }
        Field { objectName: "codeField"; value: flow ? flow.code : ""; placeholder: qsTr("For example K7Q2MX") }
        Grid {
            id: keyboard
            columns: 8; spacing: 12
            readonly property real keyW: (parent.width - 7 * spacing) / 8
            Repeater {
                model: flow ? flow.codeKeys.split("") : []
                Key { width: keyboard.keyW; height: 130; label: modelData; fontSize: 54; onPressed: (v) => flow.press(v) }
            }
        }
        Row {
            spacing: 20
            width: parent.width
            KioskButton { objectName: "code_del"; width: (parent.width - 20) / 3; outline: true; text: "⌫ " + qsTr("Delete"); onClicked: flow.deleteKey() }
            KioskButton {
                objectName: "code_find"
                width: (parent.width - 20) * 2 / 3
                text: qsTr("Find my appointment")
                colour: flow && flow.codeOk ? Theme.blue : "#8693A6"
                onClicked: flow.findByPhone()
            }
        }
        KioskButton { objectName: "code_back"; width: parent.width; outline: true; text: qsTr("Back"); onClicked: flow.back() }
    }

    // -- please wait ----------------------------------------------------------------------------
    Column {
        objectName: "checkinBusy"
        visible: page.step === "busy"
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.margin }
        spacing: 40
        IconDisc { icon: "clock.svg"; width: 200; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter
                   RotationAnimation on rotation { from: -8; to: 8; duration: 600; loops: Animation.Infinite; running: page.step === "busy" } }
        Heading {
            horizontalAlignment: Text.AlignHCenter
            text: flow && flow.busyWith === "checkin" ? qsTr("Checking you in and printing your ticket…")
                                                      : qsTr("Looking for your appointment…")
        }
        Body { horizontalAlignment: Text.AlignHCenter; text: qsTr("Please wait a moment.") }
    }

    // -- is this you? ----------------------------------------------------------------------------
    Column {
        objectName: "checkinConfirm"
        visible: page.step === "confirm"
        anchors { fill: parent; margins: Theme.margin; topMargin: 60 }
        spacing: 36
        Heading { text: qsTr("Is this your appointment?") }
        Rectangle {
            width: parent.width
            height: details.implicitHeight + 100
            radius: Theme.radius
            color: Theme.card
            border { width: 3; color: Theme.teal }
            Column {
                id: details
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 50 }
                spacing: 26
                Text { width: parent.width; wrapMode: Text.WordWrap; color: Theme.ink
                       text: flow ? qsTranslate("CheckinServices", flow.serviceTitle) : ""
                       font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold } }
                Text { objectName: "confirmTime"; width: parent.width; color: Theme.teal
                       text: qsTr("Today, %1").arg(flow ? flow.apptTime : "")
                       font { family: Theme.font; pixelSize: 88; weight: Font.Bold } }
                Row {
                    spacing: 30
                    Text { text: qsTr("Name"); color: Theme.inkSoft; width: 260; font { family: Theme.font; pixelSize: Theme.body } }
                    Text { text: flow ? flow.apptName : ""; color: Theme.ink; font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold } }
                }
                Row {
                    spacing: 30
                    Text { text: qsTr("Phone"); color: Theme.inkSoft; width: 260; font { family: Theme.font; pixelSize: Theme.body } }
                    Text { text: flow ? flow.apptPhone : ""; color: Theme.ink; font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold } }
                }
            }
        }
        KioskButton { objectName: "confirm_yes"; width: parent.width; icon: "check.svg"; colour: Theme.teal; pressedColour: "#0B625C"
                      text: qsTr("Yes, check me in"); onClicked: flow.confirm(shell.language) }
        KioskButton { objectName: "confirm_no"; width: parent.width; outline: true; text: qsTr("No, this is not mine"); onClicked: flow.back() }
    }

    // -- the ticket --------------------------------------------------------------------------------
    Column {
        objectName: "checkinTicket"
        visible: page.step === "ticket"
        anchors { fill: parent; margins: Theme.margin; topMargin: 40 }
        spacing: 24
        Heading {
            horizontalAlignment: Text.AlignHCenter
            text: flow && flow.printed ? qsTr("You are checked in. Please take your ticket.")
                                       : qsTr("You are checked in")
        }
        Text {
            objectName: "ticketNumber"
            width: parent.width; horizontalAlignment: Text.AlignHCenter
            text: flow ? flow.ticketNumber : ""
            color: Theme.navy
            font { family: Theme.font; pixelSize: 230; weight: Font.Black }
        }
        Body {
            horizontalAlignment: Text.AlignHCenter; color: Theme.ink
            text: (flow ? qsTranslate("CheckinServices", flow.ticketServiceTitle) : "") + "\n"
                  + qsTr("People ahead of you: %1 · About %2 min").arg(flow ? flow.ticketAhead : 0).arg(flow ? flow.ticketWait : 0)
        }
        Rectangle {
            objectName: "printerOutNotice"
            visible: flow ? !flow.printed : false
            width: parent.width
            height: notice.implicitHeight + 60
            radius: Theme.radius
            color: Theme.warnBg
            Row {
                id: notice
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 30 }
                spacing: 30
                Rectangle {
                    id: qrBox
                    width: 330; height: 330; color: "white"
                    FrameView {
                        objectName: "ticketQr"
                        anchors { fill: parent; margins: 10 }
                        smooth: false
                        background: "white"
                        image: flow ? flow.ticketQrImage : undefined
                    }
                }
                Text {
                    width: parent.width - qrBox.width - 30
                    anchors.verticalCenter: parent.verticalCenter
                    wrapMode: Text.WordWrap
                    color: Theme.warnInk
                    text: qsTr("The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.")
                    font { family: Theme.font; pixelSize: Theme.small + 2 }
                }
            }
        }
        Body {
            visible: flow ? flow.printed : false
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Please wait until your number is called.")
        }
        KioskButton { objectName: "ticket_done"; width: parent.width; text: qsTr("Done"); onClicked: flow.done() }
    }

    // -- errors in plain words ------------------------------------------------------------------------
    Column {
        objectName: "checkinError"
        visible: page.step === "error"
        anchors { fill: parent; margins: Theme.margin; topMargin: 80 }
        spacing: 36
        IconDisc { icon: "counter.svg"; width: 170; color: Theme.amber }
        Heading { objectName: "errorTitle"; text: flow ? page.errorTitle(flow.error) : "" }
        Body { objectName: "errorText"; text: flow ? page.errorText(flow.error, flow.errorDetail) : "" }
        Item { width: 1; height: 20 }
        KioskButton {
            objectName: "error_retry"
            visible: flow ? flow.canRetry : false
            width: parent.width
            text: flow && flow.path === "qr" ? qsTr("Scan again") : qsTr("Try again")
            onClicked: flow.retry()
        }
        KioskButton {
            objectName: "error_phone"
            visible: flow ? flow.path === "qr" : false
            width: parent.width; outline: true
            text: qsTr("Use phone number instead")
            onClicked: flow.choosePhone()
        }
        KioskButton { objectName: "error_done"; width: parent.width; outline: true; text: qsTr("Back to the menu"); onClicked: flow.done() }
    }
}
