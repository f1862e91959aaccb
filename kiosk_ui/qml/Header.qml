import QtQuick
import "."

// Top bar on every screen but the attract one: who we are, the time, the language.
Rectangle {
    id: root
    height: 160
    color: Theme.navy

    Row {
        anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
        spacing: 24
        IconDisc { icon: "bank.svg"; width: 88; color: Theme.blue; anchors.verticalCenter: parent.verticalCenter }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            Text {
                text: shell.branchName
                color: Theme.onDark
                font { family: Theme.font; pixelSize: Theme.small + 4; weight: Font.Bold }
            }
            Text {
                text: shell.timeText
                color: Theme.onDarkSoft
                font { family: Theme.font; pixelSize: Theme.small - 4 }
            }
        }
    }

    // Switch language at any time; the whole UI changes in place.
    KioskButton {
        id: langButton
        objectName: "languageToggle"
        readonly property string next: {
            var langs = shell.languages
            return langs[(langs.indexOf(shell.language) + 1) % langs.length]
        }
        visible: shell.languages.length > 1 && shell.screen !== "language"
        anchors { right: parent.right; rightMargin: Theme.margin; verticalCenter: parent.verticalCenter }
        height: 120
        icon: "globe.svg"
        text: next === "zh_CN" ? "中文" : "English"
        colour: Qt.rgba(1, 1, 1, 0.14)
        pressedColour: Qt.rgba(1, 1, 1, 0.28)
        fontSize: Theme.small + 4
        onClicked: shell.setLanguage(next)
    }
}
