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
    // The footer's Back: not while waiting or once checked in, nor on an error screen (its
    // own Cancel); goBack() goes one step back (false: leave the flow for the menu).
    readonly property bool showBack: step !== "busy" && step !== "ticket" && step !== "error"
    function goBack() {
        if (!flow || step === "choose" || step === "") return false
        flow.back()
        return true
    }
    // Voice guidance (contract 2): what this step shows and what the customer can do.
    property string guidance: {
        if (step === "choose") return qsTr("Check in for your appointment. Choose: scan the QR code from your booking message, or type your phone number.")
        if (step === "scan") return qsTr("Hold the QR code on your phone up to the camera above the screen. Or use your phone number instead.")
        if (step === "phone") return qsTr("Type the mobile phone number you booked with, then press Next.")
        if (step === "code") return qsTr("Type the 6 letters and numbers of your booking code, then press Find my appointment.")
        if (step === "busy") return qsTr("Please wait a moment.")
        if (step === "confirm") return qsTr("Is this your appointment? Press Yes, check me in, or No, this is not mine.")
        if (step === "ticket") return page.ticketGuidance()
        if (step === "error") return flow ? page.errorTitle(flow.error) + qsTr(". ") + page.errorText(flow.error, flow.errorDetail) : ""
        return ""
    }
    // "2 people ahead of you, about 12 minutes" (on screen: one part per line).
    function waitText(separator) {
        if (!flow) return ""
        if (flow.ticketAhead <= 0) return qsTr("You're next.")
        return qsTr("%n people ahead of you", "", flow.ticketAhead) + (separator !== undefined ? separator : qsTr(", "))
               + qsTr("about %n minutes", "", Math.max(1, flow.ticketWait))
    }
    function ticketGuidance() {
        if (!flow) return ""
        var number = qsTr("Your number is %1.").arg(flow.ticketNumber.split("").join(" "))
        var wait = flow.ticketAhead > 0 ? waitText() + qsTr(".") : waitText()
        if (!flow.printed) return number + " " + wait + " " + qsTr("The printer is not working, so please remember your number or photograph the code on the screen.")
        return number + " " + wait + " " + qsTr("Please take your ticket from the slot below the screen, then wait until your number is called.")
    }
    // 13800138000 → "138 0013 8000" (as a mainland mobile number is read); others in fours.
    function groupedPhone(digits) {
        if (digits.length <= 3) return digits
        if (digits.length <= 11 && digits.charAt(0) === "1")
            return (digits.slice(0, 3) + " " + digits.slice(3, 7) + " " + digits.slice(7)).trim()
        var out = ""
        for (var i = 0; i < digits.length; i += 4) out += (i ? " " : "") + digits.slice(i, i + 4)
        return out
    }

    // One step: a column that scrolls when it is longer than the screen (large text).
    component Step: Flickable {
        id: stepView
        default property alias content: col.data
        property alias spacing: col.spacing
        property int topPad: 60
        anchors.fill: parent
        readonly property real needed: col.implicitHeight + topPad + Theme.margin
        contentHeight: needed + (needed > height ? moreBelow.height : 0)
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        Column {
            id: col
            x: Theme.margin; y: stepView.topPad
            width: stepView.width - 2 * Theme.margin
        }
        MoreBelow { id: moreBelow; parent: stepView; flick: stepView }
    }
    // -- small parts --------------------------------------------------------------------
    component Heading: Text {
        width: parent ? parent.width : 0
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        wrapMode: Text.Wrap
    }
    component Body: Text {
        width: parent ? parent.width : 0
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: Theme.body }
        wrapMode: Text.Wrap
        lineHeight: 1.1
    }
    component Key: KioskButton {
        id: key
        property string label
        property string value: label
        signal pressed(string value)
        objectName: "key_" + value
        text: label
        outline: true
        colour: Theme.ink
        radius: Math.round(24 * Theme.textScale)
        padding: 4
        fontSize: Math.round(60 * Theme.textScale)
        onClicked: key.pressed(key.value)
    }
    component Field: Rectangle {
        property string value
        property string placeholder
        width: parent ? parent.width : 0
        height: Math.round(150 * Theme.textScale)
        radius: 24
        color: Theme.card
        border { width: 4; color: Theme.blue }
        Text {
            anchors.centerIn: parent
            text: parent.value !== "" ? parent.value : parent.placeholder
            color: parent.value !== "" ? Theme.ink : Theme.inkSoft
            font { family: Theme.font; pixelSize: parent.value !== "" ? Math.round(80 * Theme.textScale) : Theme.body; weight: Font.Bold; letterSpacing: parent.value !== "" ? 6 : 0 }
        }
    }

    // kiosk_core.failures.Failure, from the view-model (no reason typed twice by hand).
    readonly property var failures: flow ? flow.failures : ({})
    // A camera fault (devices.camera.condition), told on the scan screen while it lasts.
    function cameraText(code) {
        if (code === page.failures.CAMERA_UNPLUGGED) return qsTr("The camera is not connected. Please ask staff for help.")
        if (code === page.failures.CAMERA_FROZEN) return qsTr("The camera picture has stopped. Please wait a moment or ask staff.")
        if (code === page.failures.CAMERA_DARK) return qsTr("The picture is too dark. Please stand in the light or ask staff.")
        return ""
    }

    function errorTitle(code) {
        if (code === page.failures.USED) return qsTr("This appointment is already checked in")
        if (code === page.failures.CANCELLED) return qsTr("This appointment was cancelled")
        if (code === page.failures.NO_SHOW) return qsTr("This appointment was marked as missed")
        if (code === page.failures.TOO_EARLY) return qsTr("It is too early to check in")
        if (code === page.failures.TOO_LATE) return qsTr("The check-in time has passed")
        if (code === page.failures.NOT_TODAY) return qsTr("Your appointment is on another day")
        if (code === page.failures.TOO_MANY) return qsTr("We could not find your appointment")
        if (code === page.failures.CAMERA) return qsTr("The camera is not working right now")
        if (page.cameraText(code) !== "") return qsTr("The camera is not working right now")
        if (code === page.failures.NO_QR) return qsTr("We could not read a QR code")
        if (code === page.failures.FAILED) return qsTr("Sorry, something went wrong")
        if (code === page.failures.INVALID && flow && flow.path === "qr") return qsTr("This QR code is not a branch appointment")
        return qsTr("We could not find your appointment")
    }
    function errorText(code, detail) {
        if (code === page.failures.USED) return flow && flow.canReprint ? qsTr("You are already in the queue. If you have lost your ticket, we can print it again.") : qsTr("If you have lost your ticket, please ask a member of staff.")
        if (code === page.failures.CANCELLED) return qsTr("You can book again online, or a member of staff can help you now.")
        if (code === page.failures.NO_SHOW) return qsTr("Please ask a member of staff.")
        if (code === page.failures.TOO_EARLY) return qsTr("Check-in opens at %1. Please come back then.").arg(detail)
        if (code === page.failures.TOO_LATE) return qsTr("Please ask a member of staff. They can still help you today.")
        if (code === page.failures.NOT_TODAY) return qsTr("Your appointment is on %1. Please come back that day.").arg(detail)
        if (code === page.failures.TOO_MANY) return qsTr("The phone number and booking code did not match several times. Please ask a member of staff or call a teller.")
        if (code === page.failures.CAMERA) return qsTr("Please use your phone number and booking code instead.")
        if (page.cameraText(code) !== "") return page.cameraText(code) + " " + qsTr("Or use your phone number and booking code instead.")
        if (code === page.failures.NO_QR) return qsTr("Hold your phone a little closer to the camera, or use your phone number and booking code.")
        if (code === page.failures.FAILED) return qsTr("Please ask a member of staff.")
        if (flow && flow.path === "qr") return qsTr("Please show the QR code from your booking message, or use your phone number and booking code.")
        return qsTr("Please check your phone number and booking code. Tries left: %1").arg(flow ? flow.attemptsLeft : 0)
    }

    // -- choose a way ------------------------------------------------------------------
    Step {
        objectName: "checkinChoose"
        visible: page.step === "choose"
        topPad: 70
        spacing: 40
        Heading { text: qsTr("Check in for your appointment") }
        Body { text: qsTr("How would you like to find your booking?") }
        Item { width: 1; height: 10 }
        KioskButton {
            objectName: "checkin_qr"
            width: parent.width
            icon: "calendar.svg"; colour: Theme.teal; pressedColour: Theme.navy
            text: qsTr("Scan my QR code")
            onClicked: flow.chooseQr()
        }
        Body { text: qsTr("Show the QR code from your booking message to the camera.") }
        Item { width: 1; height: 20 }
        KioskButton {
            objectName: "checkin_phone"
            width: parent.width
            icon: "touch.svg"
            text: qsTr("Type my phone number")
            onClicked: flow.choosePhone()
        }
        Body { text: qsTr("Then type the booking code from your booking message.") }
    }

    // -- scan the QR code ------------------------------------------------------------------
    Step {
        objectName: "checkinScan"
        visible: page.step === "scan"
        topPad: 60
        spacing: 30
        Heading { text: qsTr("Hold your QR code up to the camera") }
        Body { text: qsTr("The camera is just above this screen. Turn up your phone's brightness.") }
        FrameView {
            objectName: "cameraPreview"
            width: parent.width; height: width * 3 / 4
            image: flow ? flow.preview : undefined
        }
        Body {
            objectName: "scanStatus"
            readonly property string trouble: flow ? page.cameraText(flow.error) : ""
            text: trouble !== "" ? trouble : qsTr("Looking for a QR code…")
            horizontalAlignment: Text.AlignHCenter
            color: trouble !== "" ? Theme.warnInk : Theme.teal
            font.weight: trouble !== "" ? Font.Bold : Font.Normal
        }
        KioskButton {
            objectName: "scan_use_phone"
            width: parent.width; outline: true
            text: qsTr("Use phone number instead")
            onClicked: flow.choosePhone()
        }
    }

    // -- phone number --------------------------------------------------------------------------
    Step {
        objectName: "checkinPhone"
        visible: page.step === "phone"
        topPad: 50
        spacing: 30
        Heading { text: qsTr("Enter your mobile phone number") }
        Field { objectName: "phoneField"; value: flow ? page.groupedPhone(flow.phone) : ""; placeholder: qsTr("The number you booked with") }
        Body {
            objectName: "phoneCount"
            horizontalAlignment: Text.AlignHCenter
            text: flow && flow.phone.length > 0
                  ? qsTr("%n digits typed", "", flow.phone.length) + qsTr(" · ") + qsTr("A mobile number has 11 digits.")
                  : qsTr("A mobile number has 11 digits.")
        }
        Grid {
            id: numpad
            columns: 3; spacing: 20
            readonly property real keyW: (parent.width - 2 * spacing) / 3
            readonly property real keyH: Math.round(140 * Math.min(Theme.textScale, 1.15))
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                Key { width: numpad.keyW; height: numpad.keyH; label: modelData; onPressed: (v) => flow.press(v) }
            }
            Key { width: numpad.keyW; height: numpad.keyH; label: "⌫"; value: "del"; onPressed: flow.deleteKey() }
            Key { width: numpad.keyW; height: numpad.keyH; label: "0"; onPressed: (v) => flow.press(v) }
            KioskButton {
                objectName: "phone_next"
                width: numpad.keyW; height: numpad.keyH
                text: qsTr("Next")
                colour: flow && flow.phoneOk ? Theme.blue : Theme.disabledInk
                onClicked: flow.phoneNext()
            }
        }
    }

    // -- booking code --------------------------------------------------------------------------
    Step {
        objectName: "checkinCode"
        visible: page.step === "code"
        topPad: 40
        spacing: 24
        Heading { text: qsTr("Enter your booking code") }
        Body { text: qsTr("6 letters and numbers, from your booking message.") }
        Row {
            id: slots
            objectName: "codeField"
            readonly property string value: flow ? flow.code : ""
            // Six boxes across the page at most (large text makes them taller, not wider).
            readonly property int slotW: Math.min(Math.round(120 * Theme.textScale),
                                                  Math.floor((parent.width - 5 * spacing) / 6))
            spacing: 16
            anchors.horizontalCenter: parent.horizontalCenter
            Repeater {
                model: 6
                Rectangle {
                    objectName: "codeSlot" + index
                    readonly property bool current: index === (flow ? flow.code.length : 0)
                    width: slots.slotW; height: Math.round(150 * Theme.textScale)
                    radius: 18
                    color: Theme.card
                    border { width: current ? 6 : 3; color: current ? Theme.blue : Theme.inkSoft }
                    Text {
                        anchors.centerIn: parent
                        text: flow && index < flow.code.length ? flow.code.charAt(index) : ""
                        color: Theme.ink
                        font { family: Theme.font; pixelSize: Math.round(80 * Theme.textScale); weight: Font.Bold }
                    }
                }
            }
        }
        Grid {
            id: keyboard
            columns: 8; spacing: 12
            readonly property real keyW: (parent.width - 7 * spacing) / 8
            Repeater {
                model: flow ? flow.codeKeys.split("") : []
                Key { width: keyboard.keyW; height: Math.round(120 * Math.min(Theme.textScale, 1.15)); label: modelData; fontSize: Math.round(52 * Theme.textScale); onPressed: (v) => flow.press(v) }
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
                colour: flow && flow.codeOk ? Theme.blue : Theme.disabledInk
                onClicked: flow.findByPhone()
            }
        }
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
    Step {
        objectName: "checkinConfirm"
        visible: page.step === "confirm"
        topPad: 60
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
                Text { width: parent.width; wrapMode: Text.Wrap; color: Theme.ink
                       text: flow ? qsTranslate("CheckinServices", flow.serviceTitle) : ""
                       font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold } }
                Text { objectName: "confirmTime"; width: parent.width; color: Theme.teal
                       text: qsTr("Today, %1").arg(flow ? flow.apptTime : "")
                       font { family: Theme.font; pixelSize: Math.round(88 * Theme.textScale); weight: Font.Bold } }
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
        KioskButton { objectName: "confirm_yes"; width: parent.width; icon: "check.svg"; colour: Theme.teal; pressedColour: Theme.navy
                      text: qsTr("Yes, check me in"); onClicked: flow.confirm(shell.language) }
        KioskButton { objectName: "confirm_no"; width: parent.width; outline: true; text: qsTr("No, this is not mine"); onClicked: flow.back() }
    }

    // -- the ticket --------------------------------------------------------------------------------
    Step {
        objectName: "checkinTicket"
        visible: page.step === "ticket"
        topPad: Theme.textScale > 1 ? 24 : 40
        spacing: Theme.textScale > 1 ? 12 : 24
        Heading {
            horizontalAlignment: Text.AlignHCenter
            objectName: "ticketHeading"
            // Large text: the short heading (where the ticket is comes below), so Done
            // stays on the screen.
            text: !flow || !flow.printed || Theme.largeText ? qsTr("You are checked in")
                  : flow.printOutcome === "printed_not_cut"
                  ? qsTr("You are checked in. Your ticket is printed — please tear it off.")
                  : qsTr("You are checked in. Please take your ticket.")
        }
        Text {
            objectName: "ticketNumber"
            width: parent.width; horizontalAlignment: Text.AlignHCenter
            text: flow ? flow.ticketNumber : ""
            color: Theme.navy
            fontSizeMode: Text.HorizontalFit
            font { family: Theme.font; pixelSize: (flow && !flow.printed ? 170 : Theme.largeText ? 200 : 230); weight: Font.Black }
        }
        Body {
            horizontalAlignment: Text.AlignHCenter; color: Theme.ink
            text: (flow ? qsTranslate("CheckinServices", flow.ticketServiceTitle) : "") + (Theme.largeText ? "" : "\n")
        }
        Heading {
            objectName: "ticketWait"
            horizontalAlignment: Text.AlignHCenter
            color: Theme.teal
            font.pixelSize: Theme.heading
            text: page.waitText("\n")
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
                    width: 300; height: 300; color: "white"
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
                    wrapMode: Text.Wrap
                    color: Theme.warnInk
                    objectName: "printerOutText"
                    text: flow && flow.printOutcome === "partial"
                          ? qsTr("The printer stopped part-way. Please ignore any piece of paper that came out. Your ticket is here on screen: please remember your number, or photograph this code. Staff can print your ticket later.")
                          : qsTr("The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.")
                    font { family: Theme.font; pixelSize: Theme.small + 2 }
                }
            }
        }
        Body {
            objectName: "tearOffNotice"
            visible: flow ? flow.printOutcome === "printed_not_cut" : false
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("The printer could not cut the paper. Please pull your ticket gently and tear it off at the slot.")
        }
        Body {
            objectName: "ticketWhere"
            visible: flow ? flow.printed && flow.printOutcome !== "printed_not_cut" : false
            horizontalAlignment: Text.AlignHCenter; color: Theme.ink; font.weight: Font.Bold
            text: qsTr("Please take your ticket from the slot below the screen.") + " ↓"
        }
        Body {
            visible: flow ? flow.printed : false
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Please wait until your number is called.")
        }
        KioskButton { objectName: "ticket_done"; width: parent.width; text: qsTr("Done"); onClicked: flow.done() }
    }

    // -- errors in plain words ------------------------------------------------------------------------
    Step {
        objectName: "checkinError"
        visible: page.step === "error"
        topPad: 80
        spacing: 36
        IconDisc { icon: "counter.svg"; width: 170; color: Theme.amber }
        Heading { objectName: "errorTitle"; text: flow ? page.errorTitle(flow.error) : "" }
        Text {
            objectName: "errorTime"
            visible: flow ? flow.error === page.failures.TOO_EARLY && flow.errorDetail !== "" : false
            width: parent.width
            text: flow ? flow.errorDetail : ""
            color: Theme.teal
            font { family: Theme.font; pixelSize: Math.round(120 * Theme.textScale); weight: Font.Bold }
        }
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
            // Only where typing the number can help (the code could not be read).
            visible: flow ? flow.path === "qr" && (flow.canRetry || flow.error === page.failures.CAMERA) : false
            width: parent.width; outline: true
            text: qsTr("Use phone number instead")
            onClicked: flow.choosePhone()
        }
        KioskButton {
            objectName: "error_reprint"
            visible: flow ? flow.error === page.failures.USED && flow.canReprint : false
            width: parent.width
            icon: "check.svg"
            text: qsTr("Print my ticket again")
            onClicked: flow.reprint(shell.language)
        }
        KioskButton {
            objectName: "error_teller"
            visible: flow ? flow.error === page.failures.TOO_MANY : false
            width: parent.width
            icon: "teller.svg"; colour: Theme.amber; pressedColour: Theme.amberPressed
            text: qsTr("Call a teller")
            onClicked: shell.callTeller()
        }
        KioskButton { objectName: "error_done"; width: parent.width; outline: true; text: qsTr("Cancel"); onClicked: flow.done() }
    }
}
