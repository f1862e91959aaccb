import QtQuick
import ".."

// Every device in the common status model, every function and link, the kiosk's service.
Flickable {
    id: page
    objectName: "serviceOverview"
    contentHeight: col.height + 60
    clip: true
    ServiceWords { id: w }
    readonly property var r: service.report

    Column {
        id: col
        x: 40; y: 30
        width: page.width - 80
        spacing: 18

        Text {
            visible: page.r.kioskId === undefined
            text: qsTr("Reading the kiosk's status…")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: 32 }
        }

        // The kiosk as a whole.
        Rectangle {
            objectName: "overviewKiosk"
            visible: page.r.kioskId !== undefined
            width: parent.width; height: kioskCol.height + 40
            radius: 18
            color: page.r.inService ? "#E3F3EA" : Theme.warnBg
            Column {
                id: kioskCol
                x: 28; y: 20; width: parent.width - 56
                spacing: 6
                Text {
                    text: page.r.inService ? qsTr("In service") : qsTr("Out of service")
                    color: page.r.inService ? "#0B5A33" : Theme.warnInk
                    font { family: Theme.font; pixelSize: 40; weight: Font.Bold }
                }
                Text {
                    visible: page.r.wholeOut === true
                    width: parent.width; wrapMode: Text.Wrap
                    text: qsTr("Whole kiosk taken out by %1 at %2 (%3)").arg(page.r.wholeWho).arg(page.r.wholeAt).arg(w.reasonChoice(page.r.wholeReason))
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: 28 }
                }
                Text {
                    visible: page.r.down !== undefined && page.r.down.length > 0
                    width: parent.width; wrapMode: Text.Wrap
                    text: qsTr("Why: %1").arg(page.r.down ? page.r.down.map(w.downName).join(", ") : "")
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: 28 }
                }
                Text {
                    text: qsTr("%1 · %2 · as of %3").arg(page.r.kioskId).arg(page.r.branch).arg(page.r.at)
                    color: Theme.inkSoft
                    font { family: Theme.font; pixelSize: 26 }
                }
            }
        }

        Text {
            visible: page.r.functions !== undefined
            text: qsTr("Functions")
            color: Theme.ink
            font { family: Theme.font; pixelSize: 38; weight: Font.Bold }
        }
        Repeater {
            model: page.r.functions || []
            Rectangle {
                objectName: "overviewFunction_" + modelData.function
                width: col.width; height: fcol.height + 24
                radius: 14
                color: Theme.card
                Column {
                    id: fcol
                    x: 24; y: 12; width: parent.width - 48
                    Text {
                        width: parent.width; wrapMode: Text.Wrap
                        text: (modelData.available ? "✓ " : "✗ ") + w.functionName(modelData.function)
                              + (modelData.available ? "" : " — " + modelData.reasons.map(w.reasonText).join(", "))
                        color: modelData.available ? "#0B5A33" : Theme.warnInk
                        font { family: Theme.font; pixelSize: 30; weight: Font.Bold }
                    }
                    Text {
                        visible: modelData.out
                        text: qsTr("Taken out by %1 at %2").arg(modelData.who).arg(modelData.since)
                        color: Theme.inkSoft; font { family: Theme.font; pixelSize: 26 }
                    }
                }
            }
        }

        Text {
            visible: page.r.devices !== undefined
            text: qsTr("Devices")
            color: Theme.ink
            font { family: Theme.font; pixelSize: 38; weight: Font.Bold }
        }
        Repeater {
            model: page.r.devices || []
            Rectangle {
                objectName: "overviewDevice_" + modelData.kind
                width: col.width; height: dcol.height + 32
                radius: 16
                color: Theme.card
                border { width: 3; color: modelData.ok ? Theme.line : Theme.amber }
                Column {
                    id: dcol
                    x: 24; y: 16; width: parent.width - 48
                    spacing: 4
                    Item {
                        width: parent.width; height: 50
                        Text {
                            text: w.deviceName(modelData.kind) + (modelData.required ? "  " + qsTr("(required)") : "")
                            color: Theme.ink
                            font { family: Theme.font; pixelSize: 34; weight: Font.Bold }
                        }
                        Rectangle {
                            anchors.right: parent.right
                            width: badge.implicitWidth + 36; height: 50; radius: 25
                            color: modelData.ok ? Theme.teal : Theme.amber
                            Text { id: badge; anchors.centerIn: parent; text: w.stateText(modelData.state); color: Theme.onDark; font { family: Theme.font; pixelSize: 28; weight: Font.Bold } }
                        }
                    }
                    Text {
                        width: parent.width; elide: Text.ElideMiddle
                        text: qsTr("URL: %1").arg(modelData.url)
                        color: Theme.ink; font { family: Theme.font; pixelSize: 26 }
                    }
                    Text {
                        width: parent.width; elide: Text.ElideRight
                        text: qsTr("Firmware: %1").arg(modelData.firmware !== "" ? modelData.firmware : qsTr("not reported"))
                        color: Theme.ink; font { family: Theme.font; pixelSize: 26 }
                    }
                    Text {
                        visible: modelData.supplies.length > 0
                        width: parent.width; wrapMode: Text.Wrap
                        text: qsTr("Supplies: %1").arg(modelData.supplies.map(function(s) { return w.supplyName(s.name) + " " + w.supplyState(s.state) }).join(" · "))
                        color: Theme.ink; font { family: Theme.font; pixelSize: 26 }
                    }
                    Text {
                        visible: modelData.detail !== ""
                        width: parent.width; wrapMode: Text.Wrap
                        text: qsTr("Now: %1").arg(modelData.detail)
                        color: Theme.warnInk; font { family: Theme.font; pixelSize: 26; weight: Font.Bold }
                    }
                    Text {
                        width: parent.width; wrapMode: Text.Wrap
                        text: modelData.lastError !== ""
                              ? qsTr("Last error: %1 %2 at %3").arg(modelData.lastErrorCode).arg(modelData.lastError).arg(modelData.lastErrorAt)
                              : qsTr("Last error: none since start")
                        color: modelData.lastError !== "" ? Theme.warnInk : Theme.inkSoft
                        font { family: Theme.font; pixelSize: 26 }
                    }
                }
            }
        }

        Text {
            visible: page.r.links !== undefined && page.r.links.length > 0
            text: qsTr("Links")
            color: Theme.ink
            font { family: Theme.font; pixelSize: 38; weight: Font.Bold }
        }
        Repeater {
            model: page.r.links || []
            Text {
                width: col.width; wrapMode: Text.Wrap
                text: (modelData.up ? "✓ " : "✗ ") + w.linkName(modelData.name) + (modelData.detail !== "" ? " — " + modelData.detail : "")
                color: modelData.up ? "#0B5A33" : Theme.warnInk
                font { family: Theme.font; pixelSize: 30 }
            }
        }

        ServiceButton {
            objectName: "overviewRefresh"
            text: qsTr("Refresh")
            outline: true
            colour: Theme.navy
            busy: service.busy.indexOf("report") >= 0
            onClicked: service.refresh()
        }
    }
}
