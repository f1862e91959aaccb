import QtQuick
import ".."

// A teller answered; the video is being set up.
CallCard {
    objectName: "callScreen_connecting"
    property string guidance: qsTr("A teller is answering your call. The video is starting. You can cancel the call.")
    busy: true
    iconColour: Theme.teal
    title: teller.tellerName !== "" ? qsTr("%1 is answering your call").arg(teller.tellerName)
                                    : qsTr("A teller is answering your call")
    body: qsTr("Starting the video. This takes a few seconds.")

    KioskButton {
        objectName: "cancelConnecting"
        width: parent.width
        height: Math.round(150 * Theme.textScale)
        outline: true
        colour: Theme.navy
        text: qsTr("Cancel the call")
        onClicked: teller.end()
    }
}
