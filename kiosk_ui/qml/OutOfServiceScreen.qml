import QtQuick
import "."

// Nothing this kiosk offers can be done now (every function lacks a device, a supply or a
// service it needs, or a required device is down): say so plainly, offer a person, and
// come back by itself as soon as one function can be offered again.
Item {
    id: root
    objectName: "outOfServiceScreen"
    property string guidance: (shell.closedByStaff ? qsTr("Sorry, this machine is closed for maintenance.")
                                                   : qsTr("Sorry, this machine cannot serve you right now."))
                              + " " + qsTr("You can call a teller, or ask our staff at the counter.")

    function deviceName(kind) {
        if (kind === "card_dispenser") return qsTr("card dispenser")
        if (kind === "printer") return qsTr("receipt printer")
        if (kind === "camera") return qsTr("camera")
        if (kind === "pinpad") return qsTr("PIN keypad")
        if (kind === "bank") return qsTr("bank connection")
        if (kind === "teller_call") return qsTr("video teller")
        if (kind === "kiosk") return qsTr("system")
        return kind
    }

    Flickable {
        id: flick
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: detail.top }
        contentWidth: width
        contentHeight: content.implicitHeight + Theme.margin
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        interactive: contentHeight > height

        Column {
            id: content
            anchors { left: parent.left; right: parent.right; top: parent.top
                      leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: Math.round(60 * Theme.textScale) }
            spacing: Math.round(30 * Theme.textScale)
            IconDisc { visible: !Theme.largeText; icon: "tools.svg"; width: 150; color: Theme.navy }
            Text {
                width: parent.width
                text: shell.closedByStaff ? qsTr("Sorry, this machine is closed for maintenance")
                                          : qsTr("Sorry, this machine cannot serve you right now")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
            Text {
                width: parent.width
                text: shell.closedByStaff ? qsTr("Our staff are looking after it. It will be back as soon as they are done.")
                                          : qsTr("Part of its equipment is not working. It will be back by itself as soon as it is fixed.")
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body }
                wrapMode: Text.Wrap
                lineHeight: 1.1
            }
            Text {
                width: parent.width
                text: qsTr("You can still:")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
            // The one thing to press: a teller.
            KioskButton {
                objectName: "oosCallTeller"
                width: parent.width
                icon: "teller.svg"
                text: qsTranslate("Shell", "Call a teller")
                colour: Theme.amber
                pressedColour: Theme.amberPressed
                fontSize: Theme.heading
                onClicked: shell.callTeller()
            }
            // The counter: information, not a button (no disc, no frame, plain words).
            Column {
                objectName: "oosCounter"
                width: parent.width
                spacing: 6
                Text {
                    width: parent.width
                    text: qsTr("Go to the counter")
                    color: Theme.ink
                    font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                    wrapMode: Text.Wrap
                }
                Text {
                    width: parent.width
                    text: qsTr("Our staff inside the branch are happy to help you.")
                    color: Theme.inkSoft
                    font { family: Theme.font; pixelSize: Theme.body }
                    wrapMode: Text.Wrap
                }
            }
        }
    }

    // For staff: what is down.
    Text {
        id: detail
        objectName: "oosDetail"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: Theme.margin; bottomMargin: 40 }
        text: (shell.downDevices.length > 0 ? qsTr("Not working: %1").arg(shell.downDevices.map(root.deviceName).join(", "))
                                            : qsTr("Closed by staff")) + "  ·  " + shell.kioskId
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: Theme.small - 4 }
        wrapMode: Text.Wrap
    }
}
