import QtQuick
import ".."

// The call back is booked: when, and what happens next.
CallCard {
    objectName: "callScreen_callback_booked"
    property string guidance: qsTr("Your call back is booked. A bank employee will phone you at that time. Press finish.")
    readonly property var booked: teller.bookedTime
    icon: "check.svg"
    iconColour: Theme.teal
    title: qsTr("Your call back is booked")
    body: ""

    Rectangle {
        width: parent.width
        height: when.implicitHeight + 60
        radius: 24
        color: Theme.page
        Column {
            id: when
            anchors.centerIn: parent
            width: parent.width - 60
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: booked.dayOffset === 0 ? qsTr("Today") : booked.dayOffset === 1 ? qsTr("Tomorrow")
                                                                                     : (booked.dateText || "")
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.body; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
            Text {
                objectName: "bookedTime"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: booked.time || ""
                color: Theme.navy
                font { family: Theme.font; pixelSize: Theme.huge; weight: Font.Bold }
            }
        }
    }
    Text {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("A bank employee will phone you at that time. You do not need to stay at this machine.")
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: Theme.body }
        wrapMode: Text.Wrap
        lineHeight: 1.1
    }
    KioskButton {
        objectName: "bookedDone"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "home.svg"
        text: qsTr("Finish")
        onClicked: teller.dismiss()
    }
}
