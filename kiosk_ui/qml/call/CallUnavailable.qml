import QtQuick
import ".."

// The call service cannot be reached: say so and send the customer to the counter.
CallCard {
    objectName: "callScreen_unavailable"
    property string guidance: qsTr("Video calls are not working right now. Please go to the counter, or go back to the services.")
    icon: "counter.svg"
    iconColour: Theme.navy
    title: qsTr("Video calls are not working right now")
    body: qsTr("Sorry, this machine cannot reach the tellers at the moment. Please go to the counter, a member of staff will help you.")

    KioskButton {
        objectName: "unavailableBack"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "home.svg"
        text: qsTr("Back to the services")
        onClicked: teller.dismiss()
    }
}
