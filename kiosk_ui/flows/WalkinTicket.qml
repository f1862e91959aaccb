import QtQuick
import SmartBranch.Views 1.0
import "../qml"

// Take a queue number (walk-in): choose a service → the number (printed, or on screen with
// a QR code when the printer is out). Binds to the view-model (`flow`), forwards taps.
Item {
    id: page
    objectName: "walkinPage"
    property QtObject flow
    readonly property string step: flow ? flow.step : ""
    readonly property var failures: flow ? flow.failures : ({})
    readonly property bool printerOut: flow ? !flow.printed : false
    // The footer's Back only while choosing (the error screen has its own Cancel; nothing
    // to go back to once the number is taken).
    readonly property bool showBack: step === "choose"
    function goBack() { return false }

    // "2 people ahead of you, about 12 minutes" (on screen: one part per line).
    function waitText(separator) {
        if (!flow) return ""
        if (flow.ticketAhead <= 0) return qsTr("You're next.")
        return qsTr("%n people ahead of you", "", flow.ticketAhead) + (separator !== undefined ? separator : qsTr(", ")) +
               qsTr("about %n minutes", "", Math.max(1, flow.ticketWait))
    }
    // The same as a sentence (for the voice): "… about 10 minutes."
    function waitSentence() {
        return flow && flow.ticketAhead > 0 ? waitText() + qsTr(".") : waitText()
    }

    property string guidance: step === "choose"
        ? qsTr("Take a queue number. Choose the service you need: opening an account, a loan, wealth management, cards and payments, or foreign exchange. Or call a teller.")
        : step === "busy" ? qsTr("Please wait. We are getting your number.")
        : step === "ticket" ? (printerOut
            ? qsTr("Your number is %1. %2 The printer is not working, so please remember your number or photograph the code on the screen.").arg(flow ? flow.ticketNumber.split("").join(" ") : "").arg(waitSentence())
            : qsTr("Your number is %1. %2 Please take your ticket from the slot below the screen, then wait until your number is called.").arg(flow ? flow.ticketNumber.split("").join(" ") : "").arg(waitSentence()))
        : step === "error" ? qsTr("Sorry, we could not give you a number. You can try again, or call a teller.")
        : ""

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

    // -- choose a service ---------------------------------------------------------------------
    Flickable {
        id: walkinChooseView
        objectName: "walkinChoose"
        visible: page.step === "choose"
        anchors.fill: parent
        readonly property real needed: chooseCol.implicitHeight + 2 * Theme.margin
        contentHeight: needed + (needed > height ? walkinChooseMore.height : 0)
        clip: true
        MoreBelow { id: walkinChooseMore; parent: walkinChooseView; flick: walkinChooseView }
        Column {
            id: chooseCol
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.margin; topMargin: 40 }
            spacing: Math.round(Theme.gap * 0.75)
            Heading { text: qsTr("Take a queue number") }
            Body { text: qsTr("What do you need help with? Choose one.") }
            Repeater {
                model: flow ? flow.services : []
                delegate: KioskButton {
                    objectName: "walkin_" + modelData.key
                    width: chooseCol.width
                    outline: true
                    colour: Theme.blue
                    fontSize: Theme.heading
                    text: qsTranslate("CheckinServices", modelData.title)
                    onClicked: flow.choose(modelData.key, shell.language)
                }
            }
        }
    }

    // -- please wait --------------------------------------------------------------------------
    Column {
        objectName: "walkinBusy"
        visible: page.step === "busy"
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.margin }
        spacing: 40
        IconDisc { icon: "clock.svg"; width: 200; color: Theme.teal; anchors.horizontalCenter: parent.horizontalCenter }
        Heading { horizontalAlignment: Text.AlignHCenter; text: qsTr("Getting your number…") }
        Body { horizontalAlignment: Text.AlignHCenter; text: qsTr("Please wait a moment.") }
    }

    // -- the ticket ---------------------------------------------------------------------------
    Flickable {
        id: walkinTicketView
        objectName: "walkinTicket"
        visible: page.step === "ticket"
        anchors.fill: parent
        readonly property real needed: ticketCol.implicitHeight + 2 * Theme.margin
        contentHeight: needed + (needed > height ? walkinTicketMore.height : 0)
        clip: true
        MoreBelow { id: walkinTicketMore; parent: walkinTicketView; flick: walkinTicketView }
        Column {
            id: ticketCol
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.margin; topMargin: 30 }
            spacing: page.printerOut || Theme.textScale > 1 ? 12 : 24
            Body {
                horizontalAlignment: Text.AlignHCenter; color: Theme.ink
                text: qsTr("Your number")
                font.pixelSize: Theme.heading
            }
            Text {
                objectName: "walkinNumber"
                width: parent.width; horizontalAlignment: Text.AlignHCenter
                text: flow ? flow.ticketNumber : ""
                color: Theme.navy
                fontSizeMode: Text.HorizontalFit
                font { family: Theme.font; pixelSize: (page.printerOut ? 170 : 230); weight: Font.Black }
            }
            Body {
                objectName: "walkinService"
                horizontalAlignment: Text.AlignHCenter; color: Theme.ink
                text: flow ? qsTranslate("CheckinServices", flow.serviceTitle) : ""
            }
            Heading {
                objectName: "walkinWait"
                horizontalAlignment: Text.AlignHCenter
                color: Theme.teal
                font.pixelSize: Theme.heading
                text: page.waitText("\n")
            }
            // Where the ticket comes out.
            Column {
                objectName: "walkinTakeTicket"
                visible: !page.printerOut
                width: parent.width
                spacing: 16
                Body {
                    horizontalAlignment: Text.AlignHCenter; color: Theme.ink
                    font.weight: Font.Bold
                    text: flow && flow.printOutcome === "printed_not_cut"
                          ? qsTr("Your ticket is in the slot below the screen. Please tear it off gently.")
                          : qsTr("Please take your ticket from the slot below the screen.")
                }
                Text {
                    width: parent.width; horizontalAlignment: Text.AlignHCenter
                    text: "↓"; color: Theme.blue
                    font { family: Theme.font; pixelSize: Math.round(90 * Math.min(Theme.textScale, 1.1)); weight: Font.Bold }
                }
                Body {
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("Please wait until your number is called.")
                }
            }
            // The printer is out: the number and the ticket's QR code on screen.
            Rectangle {
                objectName: "walkinPrinterOut"
                visible: page.printerOut
                width: parent.width
                height: outCol.implicitHeight + 60
                radius: Theme.radius
                color: Theme.warnBg
                Column {
                    id: outCol
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 30 }
                    spacing: 24
                    Text {
                        width: parent.width
                        wrapMode: Text.Wrap
                        color: Theme.warnInk
                        text: qsTr("The printer is not working right now, so there is no paper ticket. Please remember your number, or take a photo of this code with your phone.")
                        font { family: Theme.font; pixelSize: Theme.body }
                    }
                    Rectangle {
                        anchors.horizontalCenter: parent.horizontalCenter
                        width: 300; height: 300; color: "white"
                        FrameView {
                            objectName: "walkinQr"
                            anchors { fill: parent; margins: 12 }
                            smooth: false
                            background: "white"
                            image: flow ? flow.ticketQrImage : undefined
                        }
                    }
                }
            }
            KioskButton {
                objectName: "walkin_done"; width: parent.width
                text: qsTr("Done"); onClicked: flow.done()
            }
        }
    }

    // -- could not get a number ---------------------------------------------------------------
    Column {
        objectName: "walkinError"
        visible: page.step === "error"
        anchors { fill: parent; margins: Theme.margin; topMargin: 80 }
        spacing: 36
        IconDisc { icon: "counter.svg"; width: 170; color: Theme.amber }
        Heading { text: qsTr("Sorry, we could not give you a number") }
        Body { text: qsTr("Please try again. If it still does not work, a teller can help you.") }
        KioskButton { objectName: "walkin_retry"; width: parent.width; text: qsTr("Try again"); onClicked: flow.retry() }
        KioskButton { objectName: "walkin_cancel"; width: parent.width; outline: true; text: qsTr("Cancel"); onClicked: flow.done() }
    }
}
