import QtQuick
import ".."

// A network blip: the call is being rebuilt; the customer is told and asked to wait.
CallCard {
    objectName: "callScreen_reconnecting"
    property string guidance: qsTr("The connection is weak. We are reconnecting you to the teller. Please wait, or end the call.")
    busy: true
    icon: "clock.svg"
    iconColour: Theme.blue
    title: qsTr("The connection is weak")
    body: qsTr("We are reconnecting you to the teller. Please wait here, this takes a few seconds.")

    KioskButton {
        objectName: "endReconnecting"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        text: qsTr("End the call")
        onClicked: teller.end()
    }
}
