import QtQuick
import "."

// Choose a language: two huge targets, each named in its own language.
Item {
    id: root
    objectName: "languageScreen"

    Column {
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 110 }
        spacing: 14
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: i18n.inLanguage("zh_CN", "Language", "Please choose your language")
            color: Theme.ink
            font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: i18n.inLanguage("en_US", "Language", QT_TRANSLATE_NOOP("Language", "Please choose your language"))
            color: Theme.inkSoft
            font { family: Theme.font; pixelSize: Theme.heading - 6 }
        }
    }

    Column {
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 420 }
        spacing: 56
        Repeater {
            model: shell.languages
            delegate: Rectangle {
                id: card
                objectName: "language_" + modelData
                width: 952; height: 420
                radius: Theme.radius + 8
                color: tap.pressed ? Theme.disabledBg : Theme.card
                border { width: 3; color: tap.pressed ? Theme.blue : Theme.line }
                scale: tap.pressed ? 0.985 : 1
                Rectangle {
                    anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 3 }
                    width: 22; radius: 11
                    color: index === 0 ? Theme.blue : Theme.teal
                }
                Column {
                    anchors { left: parent.left; leftMargin: 110; verticalCenter: parent.verticalCenter }
                    spacing: 6
                    Text {
                        text: modelData === "zh_CN" ? "中文" : "English"
                        color: Theme.ink
                        font { family: Theme.font; pixelSize: Theme.huge + 16; weight: Font.Bold }
                    }
                    Text {
                        text: modelData === "zh_CN" ? "简体中文 · Chinese" : "英文 · English"
                        color: Theme.inkSoft
                        font { family: Theme.font; pixelSize: Theme.body }
                    }
                }
                IconDisc {
                    anchors { right: parent.right; rightMargin: 80; verticalCenter: parent.verticalCenter }
                    width: 150
                    icon: "back.svg"
                    rotation: 180
                    color: index === 0 ? Theme.blue : Theme.teal
                }
                MouseArea { id: tap; anchors.fill: parent; onClicked: shell.chooseLanguage(modelData) }
            }
        }
    }
}
