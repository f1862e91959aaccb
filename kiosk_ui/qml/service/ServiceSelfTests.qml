import QtQuick
import ".."

// One test per device: what it does, a button, the checks and what it made (the test
// page's rendering, the camera's snapshot).
Flickable {
    id: page
    objectName: "serviceSelfTests"
    contentHeight: col.height + 60
    clip: true
    ServiceWords { id: w }
    // A string, so a new report with the same devices does not rebuild the cards (and
    // move what the technician is about to tap).
    readonly property string kindsKey: service.report.devices
        ? service.report.devices.map(function(d) { return d.kind }).join(",") : ""
    readonly property var kinds: kindsKey === "" ? [] : kindsKey.split(",")

    function what(kind) {
        if (kind === "card_dispenser") return qsTr("Takes one card from the stacker straight to the retain bin.")
        if (kind === "printer") return qsTr("Prints the test page.")
        if (kind === "camera") return qsTr("Takes a snapshot and measures its focus.")
        if (kind === "pinpad") return qsTr("Checks the link, the tamper switch and the keys.")
        return ""
    }
    function checkName(name) {
        if (name === "feed") return qsTr("card fed")
        if (name === "to bin") return qsTr("card to the bin")
        if (name === "bin count") return qsTr("bin count")
        if (name === "bin") return qsTr("cards in the bin")
        if (name === "state") return qsTr("state after the test")
        if (name === "printed") return qsTr("printed")
        if (name === "cut") return qsTr("cut")
        if (name === "picture") return qsTr("picture")
        if (name === "focus") return qsTr("focus")
        if (name === "light") return qsTr("light")
        if (name === "luminance") return qsTr("brightness")
        if (name === "device") return qsTr("device")
        if (name === "link") return qsTr("link")
        if (name === "tamper") return qsTr("tamper")
        if (name === "keys") return qsTr("keys")
        return name
    }

    Column {
        id: col
        x: 40; y: 30
        width: page.width - 80
        spacing: 18

        Text {
            visible: page.kinds.length === 0
            text: qsTr("Reading the kiosk's devices…")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: 32 }
        }

        Repeater {
            model: page.kinds
            Rectangle {
                id: card
                objectName: "selftestCard_" + modelData
                readonly property var t: service.selfTests[modelData]
                readonly property bool running: service.busy.indexOf("selftest:" + modelData) >= 0
                width: col.width; height: tcol.height + 36
                radius: 16
                color: Theme.card
                border { width: 3; color: !t || t.running || t.error === undefined ? Theme.line : (t.ok && t.error === "" ? Theme.teal : Theme.amber) }
                Column {
                    id: tcol
                    x: 24; y: 18; width: parent.width - 48
                    spacing: 8
                    Item {
                        width: parent.width; height: 96
                        Column {
                            anchors { left: parent.left; right: runButton.left; rightMargin: 20; verticalCenter: parent.verticalCenter }
                            Text { text: w.deviceName(modelData); color: Theme.ink; font { family: Theme.font; pixelSize: 34; weight: Font.Bold } }
                            Text { width: parent.width; text: page.what(modelData); color: Theme.inkSoft; wrapMode: Text.Wrap; font { family: Theme.font; pixelSize: 26 } }
                        }
                        ServiceButton {
                            id: runButton
                            objectName: "selftest_" + modelData
                            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                            text: card.running ? qsTr("Testing") : qsTr("Run test")
                            busy: card.running
                        }
                    }
                    Connections { target: runButton; function onClicked() { service.runSelfTest(modelData) } }
                    Text {
                        objectName: "selftestResult_" + modelData
                        visible: card.t !== undefined && !card.running
                        width: parent.width; wrapMode: Text.Wrap
                        text: !card.t ? "" : card.t.error !== "" ? qsTr("Could not run: %1").arg(card.t.error)
                              : (card.t.ok ? qsTr("Passed at %1").arg(card.t.at) : qsTr("Failed at %1").arg(card.t.at))
                        color: card.t && card.t.ok && card.t.error === "" ? "#0B5A33" : Theme.warnInk
                        font { family: Theme.font; pixelSize: 32; weight: Font.Bold }
                    }
                    Flow {
                        width: parent.width
                        spacing: 28
                        Repeater {
                            model: card.t && !card.running ? card.t.checks : []
                            Text {
                                width: modelData.ok ? implicitWidth : tcol.width
                                wrapMode: Text.Wrap
                                text: (modelData.ok ? "✓ " : "✗ ") + page.checkName(modelData.name) + (modelData.ok ? "" : ": " + modelData.result)
                                color: modelData.ok ? Theme.ink : Theme.warnInk
                                font { family: Theme.font; pixelSize: 28 }
                            }
                        }
                    }
                    Repeater {
                        model: card.t && !card.running ? card.t.values : []
                        Text {
                            objectName: "selftestValue_" + modelData.name
                            text: page.checkName(modelData.name) + ": " + modelData.value
                            color: Theme.ink
                            font { family: Theme.font; pixelSize: 30; weight: Font.Bold }
                        }
                    }
                    Image {
                        objectName: "selftestArtifact_" + modelData
                        visible: card.t !== undefined && !card.running && card.t.artifact !== ""
                        source: visible ? card.t.artifact : ""
                        cache: false
                        asynchronous: false
                        fillMode: Image.PreserveAspectFit
                        width: Math.min(parent.width, sourceSize.width > 0 ? sourceSize.width : parent.width)
                        height: visible ? Math.min(900, sourceSize.height > 0 ? width * sourceSize.height / Math.max(1, sourceSize.width) : 400) : 0
                        horizontalAlignment: Image.AlignLeft
                    }
                }
            }
        }
    }
}
