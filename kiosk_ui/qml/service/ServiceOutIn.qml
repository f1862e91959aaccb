import QtQuick
import ".."

// Put one function or the whole kiosk out of service and back. Kept across a restart;
// customers see "closed for maintenance" in plain words.
Flickable {
    id: page
    objectName: "serviceOutIn"
    contentHeight: col.height + 60
    clip: true
    ServiceWords { id: w }
    readonly property var r: service.report
    // Rows keyed by function id, so a fresh report (after every change) updates the rows
    // in place instead of rebuilding them under the technician's finger.
    readonly property string idsKey: r.functions ? r.functions.map(function(f) { return f.function }).join(",") : ""
    function fn(id) {
        var fs = page.r.functions || []
        for (var i = 0; i < fs.length; i++) if (fs[i].function === id) return fs[i]
        return { "function": id, "available": false, "reasons": [], "out": false, "who": "", "reason": "", "since": "" }
    }
    property string reason: "maintenance"

    component Row2: Rectangle {
        id: row
        property string fid
        property bool out
        property string note
        width: col.width; height: Math.max(130, rcol.height + 36); radius: 16
        color: Theme.card
        border { width: 3; color: out ? Theme.amber : Theme.line }
        Column {
            id: rcol
            anchors { left: parent.left; leftMargin: 24; right: btn.left; rightMargin: 20; verticalCenter: parent.verticalCenter }
            spacing: 4
            Text { width: parent.width; wrapMode: Text.Wrap; text: w.functionName(row.fid); color: Theme.ink; font { family: Theme.font; pixelSize: 34; weight: Font.Bold } }
            Text { width: parent.width; wrapMode: Text.Wrap; text: row.note; visible: row.note !== ""; color: row.out ? Theme.warnInk : Theme.inkSoft; font { family: Theme.font; pixelSize: 26 } }
        }
        ServiceButton {
            id: btn
            objectName: "service_" + (row.fid === "*" ? "kiosk" : row.fid)
            anchors { right: parent.right; rightMargin: 20; verticalCenter: parent.verticalCenter }
            width: 360
            text: row.out ? qsTr("Back in service") : qsTr("Take out")
            colour: row.out ? Theme.teal : Theme.amber
            busy: service.busy.indexOf("service:" + row.fid) >= 0
            onClicked: service.setService(row.fid, row.out, row.out ? "" : page.reason)
        }
    }

    Column {
        id: col
        x: 40; y: 30
        width: page.width - 80
        spacing: 18

        Text { text: qsTr("Reason for taking out"); color: Theme.ink; font { family: Theme.font; pixelSize: 34; weight: Font.Bold } }
        Flow {
            width: parent.width; spacing: 16
            Repeater {
                model: ["maintenance", "supplies", "device_fault", "cleaning"]
                Rectangle {
                    objectName: "reason_" + modelData
                    readonly property bool chosen: page.reason === modelData
                    width: chip.implicitWidth + 56; height: 90; radius: 45
                    color: chosen ? Theme.navy : Theme.card
                    border { width: 3; color: Theme.navy }
                    Text { id: chip; anchors.centerIn: parent; text: w.reasonChoice(modelData); color: parent.chosen ? Theme.onDark : Theme.navy; font { family: Theme.font; pixelSize: 30; weight: Font.Bold } }
                    MouseArea { anchors.fill: parent; onClicked: page.reason = modelData }
                }
            }
        }

        Text {
            visible: page.r.kioskId === undefined
            text: qsTr("Reading the kiosk's status…")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: 32 }
        }

        Row2 {
            visible: page.r.kioskId !== undefined
            fid: "*"
            out: page.r.wholeOut === true
            note: out ? qsTr("Out since %1 (%2, %3). Customers see: closed for maintenance.").arg(page.r.wholeAt).arg(page.r.wholeWho).arg(w.reasonChoice(page.r.wholeReason))
                      : qsTr("Every function at once.")
        }

        Repeater {
            model: page.idsKey === "" ? [] : page.idsKey.split(",")
            Row2 {
                readonly property var f: page.fn(modelData)
                fid: modelData
                out: f.out
                note: f.out
                      ? qsTr("Out since %1 (%2, %3).").arg(f.since).arg(f.who).arg(w.reasonChoice(f.reason))
                      : (f.available ? qsTr("Offered to customers now.")
                                     : qsTr("Not offered now: %1").arg(f.reasons.map(w.reasonText).join(", ")))
            }
        }
    }
}
