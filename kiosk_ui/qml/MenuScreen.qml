import QtQuick
import "."

// Services as big cards. A service this kiosk cannot offer now is shown, disabled, with
// the reason in plain words — never a pretend flow. Tapping it says why again, in a box.
Item {
    id: root
    objectName: "menuScreen"
    property string guidance: qsTr("Choose a service: a debit card, appointment check-in, a queue number, or call a teller.")
    readonly property var colours: ({ "card": Theme.blue, "checkin": Theme.teal, "teller": Theme.amber, "walkin": Theme.navy })

    // One plain sentence: the first of entry.why (kiosk_core.availability.Unavailable).
    function reasonText(entry) {
        if (entry.reason === "not_installed")
            return qsTr("Not offered at this machine. A teller can help you.")
        if (entry.reason === "starting")
            return qsTr("Getting ready, please wait a moment.")
        if (entry.reason !== "devices_down")
            return ""
        var why = entry.why && entry.why.length > 0 ? entry.why[0] : ""
        if (why === "out_of_service")   // a technician took it out
            return entry.id === "teller"
                ? qsTr("Closed for maintenance right now. Staff at the counter can help you.")
                : qsTr("Closed for maintenance right now. A teller can help you.")
        if (entry.id === "teller") {   // a teller is what is missing: send them to a person
            if (why === "camera_down")
                return qsTr("The camera is not working, so a video call is not possible. Staff at the counter can help you.")
            if (why === "teller_offline")
                return qsTr("Video tellers cannot be reached right now. Staff at the counter can help you.")
            return qsTr("Not available right now. Staff at the counter can help you.")
        }
        if (why === "no_cards")
            return qsTr("No cards left in this machine. A teller can help you.")
        if (why === "bin_full")
            return qsTr("This machine cannot give out cards until staff have looked at it. A teller can help you.")
        if (why === "dispenser_down")
            return qsTr("The card machine is not working right now. A teller can help you.")
        if (why === "camera_down")
            return qsTr("The camera is not working right now. A teller can help you.")
        if (why === "pinpad_down")
            return qsTr("The PIN keypad is not working right now. A teller can help you.")
        if (why === "printer_down")
            return qsTr("The printer is not working right now. A teller can help you.")
        if (why === "bank_down")
            return qsTr("We cannot reach the bank right now. Please try again in a few minutes, or ask at the counter.")
        return qsTr("Temporarily unavailable. A teller can help you.")
    }

    Flickable {
        id: flick
        objectName: "menuFlick"
        anchors.fill: parent
        contentWidth: width
        // The "more below" bar's room whenever the list scrolls (not when the bar shows:
        // that depends on where the list is, hence on this height — a binding loop).
        contentHeight: content.implicitHeight + Theme.margin + (interactive ? more.height : 0)
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        interactive: content.implicitHeight + Theme.margin > height

        Column {
            id: content
            anchors { left: parent.left; right: parent.right; top: parent.top
                      leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: Math.round(44 * Theme.textScale) }
            spacing: Math.round(24 * Theme.textScale)
            Column {
                id: heading
                width: parent.width
                spacing: 8
                Text {
                    text: qsTr("What would you like to do?")
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
                    // Chinese has no spaces to wrap at: one line, shrunk a little if it must
                    // be, rather than a break inside a word (业/务).
                    readonly property bool cjk: shell.language === "zh_CN"
                    width: parent.width
                    wrapMode: cjk ? Text.NoWrap : Text.Wrap
                    fontSizeMode: cjk ? Text.HorizontalFit : Text.FixedSize
                    minimumPixelSize: Theme.heading
                }
                Text {
                    text: qsTr("Touch a service to begin.")
                    color: Theme.inkSoft
                    font { family: Theme.font; pixelSize: Theme.body }
                    width: parent.width; wrapMode: Text.Wrap
                }
            }

            Repeater {
                model: shell.menu
                delegate: Rectangle {
                    id: card
                    objectName: "service_" + modelData.id
                    readonly property bool available: modelData.available
                    readonly property color tint: available ? (root.colours[modelData.id] || Theme.blue) : Theme.disabledInk
                    function open() { shell.openService(modelData.id) }
                    width: parent.width
                    height: Math.max(Math.round(220 * Theme.textScale), body.implicitHeight + 72)
                    radius: Theme.radius
                    color: !available ? Theme.disabledBg : (tap.pressed ? Theme.disabledBg : Theme.card)
                    border { width: available ? Math.max(3, Theme.lineWidth) : (Theme.highContrast ? Theme.lineWidth : 0)
                             color: Theme.highContrast ? Theme.ink : (tap.pressed ? tint : Theme.line) }
                    scale: tap.pressed && available ? 0.985 : 1
                    activeFocusOnTab: true
                    readonly property string accessibleName: qsTranslate("Services", modelData.title)
                    Accessible.role: Accessible.Button
                    Accessible.name: accessibleName
                    Accessible.onPressAction: open()
                    Keys.onReturnPressed: open()
                    Keys.onEnterPressed: open()
                    Keys.onSpacePressed: open()
                    onActiveFocusChanged: if (activeFocus) flick.contentY = Math.max(0,
                        Math.min(y - Theme.gap, flick.contentHeight - flick.height))

                    Rectangle {   // the PIN-pad focus ring
                        visible: card.activeFocus
                        anchors { fill: parent; margins: -(Theme.focusWidth + 4) }
                        radius: card.radius + Theme.focusWidth + 4
                        color: "transparent"
                        border { width: Theme.focusWidth; color: Theme.focus }
                    }
                    IconDisc {
                        id: disc
                        anchors { left: parent.left; leftMargin: 36; verticalCenter: parent.verticalCenter }
                        width: Math.round(128 * Theme.textScale)
                        icon: modelData.icon
                        color: card.tint
                    }
                    Column {
                        id: body
                        anchors { left: disc.right; leftMargin: 36; right: parent.right
                                  rightMargin: card.available ? Math.round(96 * Theme.textScale) : 40
                                  verticalCenter: parent.verticalCenter }
                        spacing: 8
                        Text {
                            width: parent.width
                            text: qsTranslate("Services", modelData.title)
                            color: card.available ? Theme.ink : Theme.disabledInk
                            font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
                            wrapMode: Text.Wrap
                        }
                        Text {
                            width: parent.width
                            visible: card.available
                            text: qsTranslate("Services", modelData.subtitle)
                            color: Theme.inkSoft
                            font { family: Theme.font; pixelSize: Theme.small + Math.round(2 * Theme.textScale) }
                            wrapMode: Text.Wrap
                        }
                        Text {   // offered, without paper: said before it starts, not after
                            objectName: "noPaper_" + modelData.id
                            width: parent.width
                            visible: card.available && modelData.id !== "teller"
                                     && modelData.degraded.indexOf("printer") >= 0
                            text: qsTr("Printer out: your ticket or receipt is shown on the screen.")
                            color: Theme.warnInk
                            font { family: Theme.font; pixelSize: Theme.small }
                            wrapMode: Text.Wrap
                        }
                        Rectangle {
                            objectName: "reason_" + modelData.id
                            visible: !card.available
                            width: parent.width
                            height: reason.implicitHeight + 32
                            radius: 18
                            color: Theme.warnBg
                            border { width: Theme.highContrast ? Theme.lineWidth : 0; color: Theme.warnInk }
                            Text {
                                id: reason
                                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 22 }
                                text: root.reasonText(modelData)
                                color: Theme.warnInk
                                font { family: Theme.font; pixelSize: Theme.small }
                                wrapMode: Text.Wrap
                            }
                        }
                    }
                    Image {   // "this way": only on what can be opened
                        visible: card.available
                        anchors { right: parent.right; rightMargin: 28; verticalCenter: parent.verticalCenter }
                        asynchronous: true  // the SVG drawn off the GUI thread
                        source: "icons/chevron.svg"
                        sourceSize: Qt.size(Math.round(64 * Theme.textScale), Math.round(64 * Theme.textScale))
                    }
                    // Disabled tiles answer a tap too: with why, instead of starting anything.
                    MouseArea { id: tap; anchors.fill: parent; onClicked: card.open() }
                }
            }
        }
    }

    // More below: a plain bar at the right edge and a hint, so nobody misses a service.
    Rectangle {
        objectName: "menuScrollBar"
        visible: flick.interactive
        anchors { right: parent.right; rightMargin: 14 }
        width: 12; radius: 6
        color: Theme.inkSoft
        y: flick.visibleArea.yPosition * flick.height
        height: flick.visibleArea.heightRatio * flick.height
    }
    Rectangle {
        id: more
        objectName: "menuMoreBelow"
        visible: flick.interactive && !flick.atYEnd
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: moreText.implicitHeight + 28
        color: Theme.page
        Rectangle { anchors { left: parent.left; right: parent.right; top: parent.top } height: Theme.lineWidth; color: Theme.highContrast ? Theme.ink : Theme.line }
        Text {
            id: moreText
            anchors.centerIn: parent
            text: qsTr("More services below ↓")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.small; weight: Font.Bold }
        }
    }

    // "Why not?": the tapped entry's reason, big, with the way to a person. Made only when
    // shown (its buttons were a third of the menu's first build on the GUI thread).
    Loader {
        anchors.fill: parent
        active: shell.menuNotice.id !== undefined
        sourceComponent: notice
    }
    Component {
        id: notice
        Rectangle {
            objectName: "menuNotice"
            anchors.fill: parent
            color: Qt.rgba(0.04, 0.1, 0.18, 0.55)
            MouseArea { anchors.fill: parent; onClicked: shell.dismissNotice() }
            property string guidance: visible ? root.reasonText(shell.menuNotice) : ""
            Rectangle {
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: Theme.margin }
                height: box.implicitHeight + 120
                radius: Theme.radius
                color: Theme.card
                MouseArea { anchors.fill: parent }   // a tap on the box itself keeps it open
                Column {
                    id: box
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 60 }
                    spacing: 40
                    Text {
                        width: parent.width
                        text: shell.menuNotice.title ? qsTranslate("Services", shell.menuNotice.title) : ""
                        color: Theme.ink
                        font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
                        wrapMode: Text.Wrap
                    }
                    Text {
                        objectName: "menuNoticeText"
                        width: parent.width
                        text: shell.menuNotice.id !== undefined ? root.reasonText(shell.menuNotice) : ""
                        color: Theme.ink
                        font { family: Theme.font; pixelSize: Theme.body }
                        wrapMode: Text.Wrap
                        lineHeight: 1.15
                    }
                    KioskButton {
                        objectName: "menuNoticeTeller"
                        visible: shell.menuNotice.id !== "teller"
                        width: parent.width
                        text: qsTranslate("Shell", "Call a teller")
                        icon: "teller.svg"
                        colour: Theme.amber
                        pressedColour: Theme.amberPressed
                        onClicked: shell.callTeller()
                    }
                    KioskButton {
                        objectName: "menuNoticeOk"
                        width: parent.width
                        text: qsTr("Back to the services")
                        outline: true
                        colour: Theme.navy
                        textColour: Theme.navy
                        onClicked: shell.dismissNotice()
                    }
                }
            }
        }
    }
}
