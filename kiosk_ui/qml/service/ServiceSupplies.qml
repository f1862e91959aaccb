import QtQuick
import ".."

// Cards loaded, bin emptied, paper replaced — each recorded in the journal — and the
// counters that survive a restart.
Flickable {
    id: page
    objectName: "serviceSupplies"
    contentHeight: col.height + 60
    clip: true
    ServiceWords { id: w }
    readonly property var c: service.counters
    property string editing: "cards"      // which count the keypad types into
    property string cardsText: ""
    property string binText: ""
    property bool binEdited: false
    onCChanged: if (!binEdited && c.retained !== undefined) binText = String(c.retained)
    // Recorded: the typed count is spent (a second tap must not load the same cards twice).
    readonly property string done: service.notice.code !== undefined ? service.notice.code : ""
    onDoneChanged: {
        if (done === "cards_loaded") cardsText = ""
        if (done === "bin_emptied") { binEdited = false; binText = c.retained !== undefined ? String(c.retained) : "" }
    }

    function countName(name) {
        if (name === "stacker_remaining") return qsTr("in the stacker (our count)")
        if (name === "stacker_loaded") return qsTr("loaded at the last replenishment")
        if (name === "dispensed_since_load") return qsTr("fed since then")
        if (name === "retained") return qsTr("in the retain bin")
        if (name === "dispensed") return qsTr("fed in all")
        if (name === "presented") return qsTr("presented at the gate")
        if (name === "taken") return qsTr("taken by customers")
        if (name === "retracted") return qsTr("pulled back")
        if (name === "captured") return qsTr("captured")
        if (name === "updated") return qsTr("updated")
        if (name === "replaced_at") return qsTr("roll replaced at")
        if (name === "receipts_since_replaced") return qsTr("receipts on this roll")
        if (name === "receipts_printed") return qsTr("receipts printed in all")
        if (name === "prints") return qsTr("prints by kind")
        return name
    }
    function type(d) {
        if (page.editing === "cards") { if (page.cardsText.length < 4) page.cardsText = (page.cardsText === "0" ? "" : page.cardsText) + d }
        else { page.binEdited = true; if (page.binText.length < 4) page.binText = (page.binText === "0" ? "" : page.binText) + d }
    }
    function back() {
        if (page.editing === "cards") page.cardsText = page.cardsText.slice(0, -1)
        else { page.binEdited = true; page.binText = page.binText.slice(0, -1) }
    }

    component Field: Rectangle {
        property string value
        property bool selected
        signal picked()
        width: 220; height: 96; radius: 14
        color: Theme.card
        border { width: selected ? 5 : 2; color: selected ? Theme.blue : Theme.line }
        Text { anchors.centerIn: parent; text: parent.value === "" ? "—" : parent.value; color: Theme.ink; font { family: Theme.font; pixelSize: 44; weight: Font.Bold } }
        MouseArea { anchors.fill: parent; onClicked: parent.picked() }
    }

    Column {
        id: col
        x: 40; y: 30
        width: page.width - 80
        spacing: 20

        // Cards into the stacker.
        Rectangle {
            width: parent.width; height: 250; radius: 16; color: Theme.card
            Column {
                x: 24; y: 18; width: parent.width - 48; spacing: 10
                Text { text: qsTr("Cards"); color: Theme.ink; font { family: Theme.font; pixelSize: 36; weight: Font.Bold } }
                Text {
                    text: qsTr("In the stacker by our count: %1").arg(page.c.stackerRemaining === undefined || page.c.stackerRemaining === null ? "—" : page.c.stackerRemaining)
                    color: Theme.inkSoft; font { family: Theme.font; pixelSize: 28 }
                }
                Row {
                    spacing: 24
                    Text { anchors.verticalCenter: parent.verticalCenter; width: 330; wrapMode: Text.Wrap; text: qsTr("Cards now in the stacker:"); color: Theme.ink; font { family: Theme.font; pixelSize: 30 } }
                    Field { objectName: "cardsField"; value: page.cardsText; selected: page.editing === "cards"; onPicked: page.editing = "cards" }
                    ServiceButton {
                        objectName: "cardsLoaded"
                        anchors.verticalCenter: parent.verticalCenter
                        text: qsTr("Cards loaded")
                        busy: service.busy.indexOf("cards") >= 0
                        onClicked: service.cardsLoaded(page.cardsText === "" ? 0 : parseInt(page.cardsText))
                    }
                }
            }
        }

        // The retain bin.
        Rectangle {
            width: parent.width; height: 250; radius: 16; color: Theme.card
            Column {
                x: 24; y: 18; width: parent.width - 48; spacing: 10
                Text { text: qsTr("Retain bin"); color: Theme.ink; font { family: Theme.font; pixelSize: 36; weight: Font.Bold } }
                Text {
                    text: qsTr("In the bin by our count: %1").arg(page.c.retained === undefined ? "—" : page.c.retained)
                    color: Theme.inkSoft; font { family: Theme.font; pixelSize: 28 }
                }
                Row {
                    spacing: 24
                    Text { anchors.verticalCenter: parent.verticalCenter; width: 330; wrapMode: Text.Wrap; text: qsTr("Cards taken out:"); color: Theme.ink; font { family: Theme.font; pixelSize: 30 } }
                    Field { objectName: "binField"; value: page.binText; selected: page.editing === "bin"; onPicked: page.editing = "bin" }
                    ServiceButton {
                        objectName: "binEmptied"
                        anchors.verticalCenter: parent.verticalCenter
                        text: qsTr("Bin emptied")
                        busy: service.busy.indexOf("bin") >= 0
                        onClicked: service.binEmptied(page.binText === "" ? -1 : parseInt(page.binText))
                    }
                }
            }
        }

        ServiceKeypad {
            objectName: "suppliesKeypad"
            anchors.horizontalCenter: parent.horizontalCenter
            prefix: "count"
            keyWidth: 220; keyHeight: 90
            okText: page.editing === "cards" ? "↓ " + qsTr("Bin") : "↑ " + qsTr("Cards")
            onDigit: function(d) { page.type(d) }
            onBack: page.back()
            onOk: page.editing = page.editing === "cards" ? "bin" : "cards"
        }

        // Paper.
        Rectangle {
            width: parent.width; height: paperCol.height + 36; radius: 16; color: Theme.card
            Column {
                id: paperCol
                x: 24; y: 18; width: parent.width - 48; spacing: 10
                Item {
                    width: parent.width; height: 96
                    Text { anchors.verticalCenter: parent.verticalCenter; text: qsTr("Paper"); color: Theme.ink; font { family: Theme.font; pixelSize: 36; weight: Font.Bold } }
                    ServiceButton {
                        objectName: "paperReplaced"
                        anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                        text: qsTr("Paper replaced")
                        busy: service.busy.indexOf("paper") >= 0
                        onClicked: service.paperReplaced()
                    }
                }
                Repeater {
                    model: page.c.paper || []
                    Text { text: page.countName(modelData.name) + ": " + modelData.value; color: Theme.inkSoft; font { family: Theme.font; pixelSize: 26 } }
                }
            }
        }

        // The counters.
        Rectangle {
            objectName: "suppliesCounters"
            width: parent.width; height: countCol.height + 36; radius: 16; color: Theme.card
            Column {
                id: countCol
                x: 24; y: 18; width: parent.width - 48; spacing: 6
                Text { text: qsTr("Counters"); color: Theme.ink; font { family: Theme.font; pixelSize: 36; weight: Font.Bold } }
                Text { visible: page.c.cards === undefined; text: qsTr("Reading the counters…"); color: Theme.inkSoft; font { family: Theme.font; pixelSize: 28 } }
                Grid {
                    columns: 2; columnSpacing: 30; rowSpacing: 4
                    Repeater {
                        model: page.c.cards || []
                        Text {
                            width: (countCol.width - 30) / 2; elide: Text.ElideRight
                            text: page.countName(modelData.name) + ": " + modelData.value
                            color: Theme.ink; font { family: Theme.font; pixelSize: 26 }
                        }
                    }
                }
                Text {
                    visible: page.c.mismatch !== undefined && page.c.mismatch !== ""
                    width: parent.width; wrapMode: Text.Wrap
                    text: qsTr("Bin count mismatch at open (the device's count was taken): %1").arg(page.c.mismatch)
                    color: Theme.warnInk; font { family: Theme.font; pixelSize: 26 }
                }
                Text {
                    visible: page.c.transactions !== undefined && page.c.transactions.length > 0
                    text: qsTr("Transactions"); color: Theme.ink; font { family: Theme.font; pixelSize: 30; weight: Font.Bold }
                }
                Repeater {
                    model: page.c.transactions || []
                    Text { text: w.functionName(modelData.name) + ": " + modelData.value; color: Theme.ink; font { family: Theme.font; pixelSize: 26 } }
                }
                Text {
                    visible: page.c.faults !== undefined && page.c.faults.length > 0
                    text: qsTr("Faults"); color: Theme.ink; font { family: Theme.font; pixelSize: 30; weight: Font.Bold }
                }
                Repeater {
                    model: page.c.faults || []
                    Text { text: w.deviceName(modelData.name) + ": " + modelData.value; color: Theme.ink; font { family: Theme.font; pixelSize: 26 } }
                }
            }
        }
    }
}
