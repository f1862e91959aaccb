import QtQuick
import "."

// Top bar on every screen but the attract one: who we are and the time, then the display
// switches (larger text, high contrast) for this customer's session and the language.
// Its controls keep their size in large text (they are already large: 120 px targets,
// 32–36 px words), so the page below keeps its room to grow.
Rectangle {
    id: root
    height: column.implicitHeight + 24
    color: Theme.navy

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top
                  leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: 10 }
        spacing: 8

        Item {
            width: parent.width
            height: 120
            Row {
                spacing: 16
                anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                IconDisc { icon: "bank.svg"; width: 76; color: Theme.blue; anchors.verticalCenter: parent.verticalCenter }
                Column {
                    anchors.verticalCenter: parent.verticalCenter
                    Text {
                        objectName: "branchName"
                        text: shell.branchName
                        color: Theme.onDark
                        font { family: Theme.font; pixelSize: 34; weight: Font.Bold }
                    }
                    Text {
                        text: shell.timeText
                        color: Theme.onDarkSoft
                        font { family: Theme.font; pixelSize: 28 }
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
                anchors { right: parent.right; top: parent.top }
                sizeScale: 1
                height: 120
                padding: 26
                icon: "globe.svg"
                text: next === "zh_CN" ? "中文" : "English"
                colour: Theme.highContrast ? Theme.blue : Qt.rgba(1, 1, 1, 0.14)
                pressedColour: Theme.highContrast ? Theme.bluePressed : Qt.rgba(1, 1, 1, 0.28)
                fontSize: 34
                onClicked: shell.setLanguage(next)
            }
        }

        DisplaySwitches {
            id: switches
            objectName: "headerDisplaySwitches"
            sizeScale: 1
            width: parent.width
        }
    }
}
