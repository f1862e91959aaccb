import QtQuick

// The words of service mode for codes the technician's reports carry (technician.api):
// device kinds, XFS4IoT states, supplies, functions, reasons, action outcomes.
QtObject {
    function deviceName(kind) {
        if (kind === "card_dispenser") return qsTr("Card dispenser")
        if (kind === "printer") return qsTr("Receipt printer")
        if (kind === "camera") return qsTr("Camera")
        if (kind === "pinpad") return qsTr("PIN pad")
        return kind
    }
    function stateText(state) {
        if (state === "online") return qsTr("online")
        if (state === "offline") return qsTr("offline")
        if (state === "powerOff") return qsTr("power off")
        if (state === "noDevice") return qsTr("no device")
        if (state === "hardwareError") return qsTr("hardware error")
        if (state === "userError") return qsTr("user error")
        if (state === "deviceBusy") return qsTr("busy")
        if (state === "fraudAttempt") return qsTr("fraud attempt")
        if (state === "potentialFraud") return qsTr("potential fraud")
        if (state === "starting") return qsTr("starting")
        return state
    }
    // An entry of the kiosk's "down": a device kind, a service, a function or "*".
    function downName(what) {
        var d = deviceName(what)
        if (d !== what) return d
        if (what === "out_of_service") return reasonText(what)
        var l = linkName(what)
        if (l !== what) return l
        if (what === "teller_call") return linkName("hub")
        return functionName(what)
    }
    function supplyName(name) {
        if (name === "stacker") return qsTr("stacker")
        if (name === "bin") return qsTr("retain bin")
        if (name === "paper") return qsTr("paper")
        return name
    }
    function supplyState(state) {
        if (state === "ok") return qsTr("ok")
        if (state === "full") return qsTr("full")
        if (state === "high") return qsTr("high")
        if (state === "low") return qsTr("low")
        if (state === "empty") return qsTr("empty")
        if (state === "out") return qsTr("out")
        if (state === "jammed") return qsTr("jammed")
        if (state === "missing") return qsTr("missing")
        if (state === "unknown") return qsTr("unknown")
        return state
    }
    function functionName(id) {
        if (id === "*") return qsTr("Whole kiosk")
        if (id === "card" || id === "card_issuance") return qsTranslate("Services", "Get a debit card")
        if (id === "checkin" || id === "appointment_checkin") return qsTranslate("Services", "Check in for an appointment")
        if (id === "teller") return qsTranslate("Services", "Call a teller")
        if (id === "walkin" || id === "walkin_ticket") return qsTranslate("Services", "Take a queue number")
        return id
    }
    function reasonText(code) {
        if (code === "out_of_service" || code === "technician") return qsTr("taken out of service")
        if (code === "no_cards") return qsTr("no cards in the stacker")
        if (code === "bin_full") return qsTr("retain bin full")
        if (code === "dispenser_down") return qsTr("card dispenser down")
        if (code === "camera_down") return qsTr("camera down")
        if (code === "pinpad_down") return qsTr("PIN pad down")
        if (code === "printer_down") return qsTr("printer down")
        if (code === "device_down") return qsTr("a device is down")
        if (code === "bank_down") return qsTr("bank not reachable")
        if (code === "teller_offline") return qsTr("video tellers not reachable")
        if (code === "service_down") return qsTr("a service is down")
        return code
    }
    function linkName(name) {
        if (name === "bank") return qsTr("Bank")
        if (name === "hub") return qsTr("Video teller hub")
        if (name === "sync") return qsTr("Appointment sync")
        return name
    }
    function reasonChoice(code) {
        if (code === "maintenance") return qsTr("Maintenance")
        if (code === "supplies") return qsTr("Supplies")
        if (code === "device_fault") return qsTr("Device fault")
        if (code === "cleaning") return qsTr("Cleaning")
        return code
    }
    // The outcome of the last action (ServiceModeModel.notice).
    function noticeText(n) {
        if (!n || n.code === undefined) return ""
        if (n.code === "cards_loaded") return qsTr("Cards loaded: %1 in the stacker. Recorded in the journal.").arg(n.arg)
        if (n.code === "bin_emptied") return qsTr("Bin emptied: %1 cards removed. Recorded in the journal.").arg(n.arg)
        if (n.code === "paper_replaced") return qsTr("Paper replaced. Recorded in the journal.")
        if (n.code === "service_out") return qsTr("%1: out of service.").arg(functionName(n.arg))
        if (n.code === "service_in") return qsTr("%1: back in service.").arg(functionName(n.arg))
        if (n.code === "exported") return qsTr("Exported to %1").arg(n.arg)
        if (n.code === "count_needed") return qsTr("Enter the number of cards first.")
        if (n.code === "not_ready") return qsTr("The kiosk has not finished starting. Try again in a moment.")
        if (n.code === "refused") return qsTr("Not done: %1").arg(n.text)
        return n.text || n.code
    }
}
