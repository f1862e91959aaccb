import QtQuick
import ".."

// The journal's chain check, an export of everything a technician sends on, recent log lines.
Item {
    id: page
    objectName: "serviceLogs"
    readonly property var v: service.verify

    Column {
        id: top
        x: 40; y: 30
        width: page.width - 80
        spacing: 16

        Rectangle {
            objectName: "verifyResult"
            width: parent.width; height: vcol.height + 36; radius: 16
            color: page.v.done === undefined ? Theme.card : (page.v.ok ? "#E3F3EA" : Theme.warnBg)
            Column {
                id: vcol
                x: 24; y: 18; width: parent.width - 48; spacing: 6
                Text { text: qsTr("Journal"); color: Theme.ink; font { family: Theme.font; pixelSize: 36; weight: Font.Bold } }
                Text {
                    width: parent.width; wrapMode: Text.Wrap
                    text: page.v.done === undefined
                          ? (service.busy.indexOf("verify") >= 0 ? qsTr("Checking the chain…") : qsTr("Not checked yet."))
                          : page.v.ok ? qsTr("Chain intact: %1 records verified.").arg(page.v.count)
                                      : qsTr("Chain broken at record %1: %2 (%3 records read).").arg(page.v.badSeq).arg(page.v.reason).arg(page.v.count)
                    color: page.v.done !== undefined && !page.v.ok ? Theme.warnInk : Theme.ink
                    font { family: Theme.font; pixelSize: 30; weight: Font.Bold }
                }
            }
        }

        Row {
            spacing: 20
            ServiceButton {
                objectName: "verifyJournal"
                text: qsTr("Verify journal")
                busy: service.busy.indexOf("verify") >= 0
                onClicked: service.verifyJournal()
            }
            ServiceButton {
                objectName: "exportAll"
                text: qsTr("Export")
                colour: Theme.teal
                busy: service.busy.indexOf("export") >= 0
                onClicked: service.exportAll()
            }
            ServiceButton {
                objectName: "logsRefresh"
                text: qsTr("Refresh")
                outline: true
                colour: Theme.navy
                busy: service.busy.indexOf("logs") >= 0
                onClicked: service.refresh()
            }
        }

        Text {
            objectName: "exportResult"
            visible: service.exportResult.directory !== undefined
            width: parent.width; wrapMode: Text.WrapAnywhere
            text: service.exportResult.directory === undefined ? ""
                  : qsTr("Exported to %1: %2").arg(service.exportResult.directory).arg(service.exportResult.files.join(", "))
            color: Theme.ink
            font { family: Theme.font; pixelSize: 26 }
        }
        Text {
            visible: service.exportResult.directory === undefined
            width: parent.width; wrapMode: Text.Wrap
            text: qsTr("Export writes the journal, its check, the status, counters, logs and the masked configuration to a new folder under the data folder's exports/.")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: 26 }
        }
        Text { text: qsTr("Recent log lines"); color: Theme.ink; font { family: Theme.font; pixelSize: 34; weight: Font.Bold } }
    }

    Rectangle {
        anchors { left: parent.left; right: parent.right; top: top.bottom; bottom: parent.bottom; margins: 40; topMargin: 12 }
        radius: 12
        color: Theme.navyDeep
        Flickable {
            id: logFlick
            objectName: "logLines"
            anchors { fill: parent; margins: 16 }
            contentHeight: logText.height
            contentY: Math.max(0, contentHeight - height)   // newest at the bottom, in view
            clip: true
            Text {
                id: logText
                width: logFlick.width
                text: service.logText !== "" ? service.logText : (service.busy.indexOf("logs") >= 0 ? qsTr("Reading…") : qsTr("No log lines."))
                color: Theme.onDark
                wrapMode: Text.WrapAnywhere
                textFormat: Text.PlainText
                font { family: "Noto Sans Mono CJK SC"; pixelSize: 22 }
            }
        }
    }
}
