import QtQuick
import "."

// Bottom bar: a way back and, always, a way to a person.
Rectangle {
    id: root
    height: 230
    color: Theme.card
    Rectangle { anchors { left: parent.left; right: parent.right; top: parent.top } height: 2; color: Theme.line }

    KioskButton {
        id: home
        objectName: "startOverButton"
        visible: shell.screen === "menu" || shell.screen === "language" || shell.screen === "flow"
        anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
        outline: true
        colour: Theme.navy
        icon: shell.screen === "flow" ? "back.svg" : "home.svg"
        text: shell.screen === "flow" ? qsTr("Back") : qsTr("Start over")
        onClicked: shell.screen === "flow" ? shell.backToMenu() : shell.endSession()
    }

    TellerButton {
        anchors { right: parent.right; rightMargin: Theme.margin; verticalCenter: parent.verticalCenter }
    }
}
