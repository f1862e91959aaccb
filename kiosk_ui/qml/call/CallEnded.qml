import QtQuick
import ".."

// The teller hung up.
CallCard {
    objectName: "callScreen_teller_ended"
    property string guidance: qsTr("The teller has ended the call. You can go back to the services.")
    icon: "check.svg"
    iconColour: Theme.teal
    title: qsTr("The teller has ended the call")
    body: qsTr("Thank you for calling. If you still need help, you can call again or go to the counter.")

    KioskButton {
        objectName: "endedBack"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        icon: "home.svg"
        text: qsTr("Back to the services")
        onClicked: teller.dismiss()
    }
}
