import QtQuick
import "."

// Required devices are down: say so plainly, offer what still works, and come back by
// itself when the devices recover.
Item {
    id: root
    objectName: "outOfServiceScreen"

    function deviceName(kind) {
        if (kind === "card_dispenser") return qsTr("card dispenser")
        if (kind === "printer") return qsTr("receipt printer")
        if (kind === "camera") return qsTr("camera")
        if (kind === "kiosk") return qsTr("system")
        return kind
    }

    Column {
        id: intro
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: Theme.margin; topMargin: 80 }
        spacing: 30
        IconDisc { icon: "tools.svg"; width: 170; color: Theme.navy }
        Text {
            width: parent.width
            text: qsTr("Sorry, this machine cannot serve you right now")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: qsTr("Part of its equipment is not working. It will be back by itself as soon as it is fixed.")
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: Theme.body }
            wrapMode: Text.WordWrap
            lineHeight: 1.1
        }
    }

    Column {
        anchors { left: parent.left; right: parent.right; top: intro.bottom; margins: Theme.margin; topMargin: 70 }
        spacing: 32
        Text {
            text: qsTr("You can still:")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold }
        }
        // Option 1: a teller (tappable).
        Rectangle {
            objectName: "oosCallTeller"
            width: parent.width; height: 250
            radius: Theme.radius
            color: tap.pressed ? "#F7E6DC" : Theme.card
            border { width: 3; color: Theme.amber }
            IconDisc { id: d1; anchors { left: parent.left; leftMargin: 44; verticalCenter: parent.verticalCenter } width: 150; icon: "teller.svg"; color: Theme.amber }
            Column {
                anchors { left: d1.right; leftMargin: 40; right: parent.right; rightMargin: 40; verticalCenter: parent.verticalCenter }
                spacing: 8
                Text { text: qsTranslate("Shell", "Call a teller"); color: Theme.ink; font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold } }
                Text { width: parent.width; text: qsTr("A bank employee will help you."); color: Theme.inkSoft; wrapMode: Text.WordWrap; font { family: Theme.font; pixelSize: Theme.small + 2 } }
            }
            MouseArea { id: tap; anchors.fill: parent; onClicked: shell.callTeller() }
        }
        // Option 2: the counter (information, not a button).
        Item {
            width: parent.width; height: 200
            IconDisc { id: d2; anchors { left: parent.left; leftMargin: 47; verticalCenter: parent.verticalCenter } width: 150; icon: "counter.svg"; color: Theme.teal }
            Column {
                anchors { left: d2.right; leftMargin: 40; right: parent.right; rightMargin: 40; verticalCenter: parent.verticalCenter }
                spacing: 8
                Text { text: qsTr("Go to the counter"); color: Theme.ink; font { family: Theme.font; pixelSize: Theme.heading; weight: Font.Bold } }
                Text { width: parent.width; text: qsTr("Our staff inside the branch are happy to help you."); color: Theme.inkSoft; wrapMode: Text.WordWrap; font { family: Theme.font; pixelSize: Theme.small + 2 } }
            }
        }
    }

    // For staff: what is down.
    Text {
        objectName: "oosDetail"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: Theme.margin; bottomMargin: 40 }
        text: qsTr("Not working: %1").arg(shell.downDevices.map(root.deviceName).join(", ")) + "  ·  " + shell.kioskId
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: Theme.small - 4 }
        wrapMode: Text.WordWrap
    }
}
