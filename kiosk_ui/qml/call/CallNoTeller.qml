import QtQuick
import ".."

// Nobody can take the call (why, in plain words), and a call back offered: choose a time,
// give a mobile number, book — or go back to self-service.
CallCard {
    id: page
    objectName: "callScreen_no_teller"
    property string guidance: step === "phone"
        ? qsTr("Type your mobile number with the keys, then book the call back, or go back.")
        : slots.length > 0 ? qsTr("No teller is free right now. Choose a time for us to phone you back, or go back to the services.")
        : qsTr("No teller is free right now. Please go to the counter, or go back to the services.")
    property string step: "choose"      // choose → phone
    property string chosen: ""
    property string phone: ""
    readonly property var slots: teller.callbackSlots
    readonly property bool phoneOk: phone.length === 11 && phone.charAt(0) === "1"

    function dayText(entry) {
        if (!entry) return ""
        if (entry.dayOffset === 0) return qsTr("Today")
        if (entry.dayOffset === 1) return qsTr("Tomorrow")
        return entry.dateText
    }
    function chosenEntry() {
        for (var i = 0; i < slots.length; i++)
            if (slots[i].slot === chosen) return slots[i]
        return null
    }
    function whenText(entry) {
        if (!entry) return ""
        if (entry.dayOffset === 0) return qsTr("We will phone you today at %1.").arg(entry.time)
        if (entry.dayOffset === 1) return qsTr("We will phone you tomorrow at %1.").arg(entry.time)
        return qsTr("We will phone you on %1 at %2.").arg(entry.dateText).arg(entry.time)
    }
    function grouped(digits) {  // 138 0013 8000: easier to check
        return [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].filter(function (p) { return p !== "" }).join(" ")
    }

    showIcon: step === "choose"
    icon: teller.noTellerReason === "closed" ? "clock.svg" : "teller.svg"
    iconColour: Theme.navy
    title: step === "phone" ? qsTr("Your mobile number")
         : teller.noTellerReason === "closed" ? qsTr("Tellers are not working at this hour")
         : teller.noTellerReason === "nobody_online" ? qsTr("No teller is working right now")
         : qsTr("No teller is free right now")
    body: step === "phone"
          ? whenText(chosenEntry())
          : teller.noTellerReason === "closed" ? qsTr("Video calls are answered during the bank's opening hours.")
          : teller.noTellerReason === "nobody_online" ? qsTr("Sorry, no video teller is at work at the moment.")
          : qsTr("Sorry, all tellers are busy and nobody could answer in time.")

    // -- step 1: a time -----------------------------------------------------------------
    Text {
        visible: page.step === "choose"
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: page.slots.length > 0 ? qsTr("We can phone you back. Choose a time:")
                                    : qsTr("Please go to the counter, or try again later.")
        color: Theme.ink
        font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
        wrapMode: Text.Wrap
    }
    Grid {
        visible: page.step === "choose" && page.slots.length > 0
        width: parent.width
        columns: Theme.largeText ? 1 : 2   // "Tomorrow 15:30" at 1.4× needs the whole width
        spacing: 24
        Repeater {
            model: page.slots.slice(0, 6)
            delegate: KioskButton {
                objectName: "slot_" + index
                readonly property bool picked: modelData.slot === page.chosen
                width: Theme.largeText ? parent.width : (parent.width - 24) / 2
                height: Math.max(Math.round(150 * Theme.textScale), implicitHeight)
                radius: 24
                padding: 16
                outline: !picked
                colour: Theme.blue
                textColour: picked ? Theme.onDark : Theme.navy
                icon: picked ? "check.svg" : ""
                // Day above time when the day is long ("Wednesday 25 November"): the half width holds it.
                text: page.dayText(modelData) + (modelData.dayOffset > 1 && !Theme.largeText ? "\n" : " ") + modelData.time
                fontSize: modelData.dayOffset > 1 && !Theme.largeText ? Theme.small - 2 : Theme.body
                onClicked: page.chosen = modelData.slot
            }
        }
    }
    KioskButton {
        objectName: "callbackNext"
        visible: page.step === "choose" && page.slots.length > 0
        enabled: page.chosen !== ""
        opacity: enabled ? 1 : 0.45
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "check.svg"
        text: qsTr("Phone me at this time")
        onClicked: page.step = "phone"
    }

    // -- step 2: the number -------------------------------------------------------------
    Rectangle {
        visible: page.step === "phone"
        width: parent.width
        height: Math.round(140 * Theme.textScale)
        radius: 24
        color: Theme.page
        border { width: 3; color: Theme.line }
        Text {
            objectName: "phoneText"
            anchors.centerIn: parent
            text: page.phone === "" ? qsTr("Type your number below") : page.grouped(page.phone)
            color: page.phone === "" ? Theme.inkSoft : Theme.ink
            font { family: Theme.font; pixelSize: page.phone === "" ? Theme.body : Theme.heading + 6; weight: Font.Bold }
        }
    }
    Grid {
        visible: page.step === "phone"
        width: parent.width
        columns: 3
        spacing: 20
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "del"]
            delegate: KioskButton {
                objectName: "phoneKey_" + modelData
                width: (parent.width - 40) / 3
                height: Theme.largeText ? 140 : 124  // the digit grows, the key need not: Back stays in sight
                radius: 22
                padding: 8
                enabled: modelData !== ""
                opacity: modelData === "" ? 0 : 1   // a gap, so 0 sits under 8
                outline: true
                colour: Theme.navy
                text: modelData === "del" ? qsTr("Delete") : modelData
                fontSize: modelData === "del" ? Theme.body : Theme.heading + 4
                onClicked: {
                    if (modelData === "del") page.phone = page.phone.slice(0, -1)
                    else if (page.phone.length < 11) page.phone += modelData
                }
            }
        }
    }
    KioskButton {
        objectName: "bookCallback"
        visible: page.step === "phone"
        enabled: page.phoneOk
        opacity: enabled ? 1 : 0.45
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "check.svg"
        text: qsTr("Book the call back")
        onClicked: teller.bookCallback(page.chosen, page.phone)
    }
    KioskButton {
        objectName: "callbackBack"
        visible: page.step === "phone"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        icon: "back.svg"
        text: qsTr("Back")
        onClicked: page.step = "choose"
    }

    KioskButton {
        objectName: "noTellerBack"
        visible: page.step === "choose"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        icon: "home.svg"
        text: qsTr("Back to the services")
        onClicked: teller.dismiss()
    }
}
