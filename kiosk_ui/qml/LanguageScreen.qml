import QtQuick
import "."

// Choose a language: two huge targets, each named in its own language.
Item {
    id: root
    objectName: "languageScreen"
    property string guidance: qsTr("Please choose your language: Chinese or English.")

    Flickable {
        anchors.fill: parent
        contentWidth: width
        contentHeight: content.implicitHeight + Theme.margin
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        interactive: contentHeight > height

        Column {
            id: content
            anchors { left: parent.left; right: parent.right; top: parent.top
                      leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: Math.round(80 * Theme.textScale) }
            spacing: Math.round(14 * Theme.textScale)
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: i18n.inLanguage("zh_CN", "Language", "Please choose your language")
                color: Theme.ink
                font { family: Theme.font; pixelSize: Theme.title; weight: Font.Bold }
                wrapMode: Text.Wrap
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: i18n.inLanguage("en_US", "Language", QT_TRANSLATE_NOOP("Language", "Please choose your language"))
                color: Theme.inkSoft
                font { family: Theme.font; pixelSize: Theme.heading - Math.round(6 * Theme.textScale) }
                wrapMode: Text.Wrap
            }
            Item { width: 1; height: Math.round(60 * Theme.textScale) }

            Column {
                width: parent.width
                spacing: 56
                Repeater {
                    model: shell.languages
                    delegate: Rectangle {
                        id: card
                        objectName: "language_" + modelData
                        function choose() { shell.chooseLanguage(modelData) }
                        width: parent.width
                        height: Math.max(380, names.implicitHeight + 80)  // large text: the words grow, both cards stay in sight
                        radius: Theme.radius + 8
                        color: tap.pressed ? Theme.disabledBg : Theme.card
                        border { width: Theme.highContrast ? Theme.lineWidth + 1 : 3
                                 color: Theme.highContrast ? Theme.ink : (tap.pressed ? Theme.blue : Theme.line) }
                        scale: tap.pressed ? 0.985 : 1
                        activeFocusOnTab: true
                        //: What voice guidance says when the PIN pad moves here.
                        readonly property string accessibleName: modelData === "zh_CN" ? "中文" : "English"
                        Accessible.role: Accessible.Button
                        Accessible.name: accessibleName
                        Accessible.onPressAction: choose()
                        Keys.onReturnPressed: choose()
                        Keys.onEnterPressed: choose()
                        Keys.onSpacePressed: choose()
                        Rectangle {   // the PIN-pad focus ring
                            visible: card.activeFocus
                            anchors { fill: parent; margins: -(Theme.focusWidth + 4) }
                            radius: card.radius + Theme.focusWidth + 4
                            color: "transparent"
                            border { width: Theme.focusWidth; color: Theme.focus }
                        }
                        Rectangle {
                            anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 3 }
                            width: 22; radius: 11
                            color: index === 0 ? Theme.blue : Theme.teal
                        }
                        Column {
                            id: names
                            anchors { left: parent.left; leftMargin: 90; right: disc.left; rightMargin: 24
                                      verticalCenter: parent.verticalCenter }
                            spacing: 6
                            Text {
                                width: parent.width
                                fontSizeMode: Text.HorizontalFit   // never under the arrow
                                minimumPixelSize: Theme.title
                                text: modelData === "zh_CN" ? "中文" : "English"
                                color: Theme.ink
                                font { family: Theme.font; pixelSize: Theme.huge + Math.round(16 * Theme.textScale); weight: Font.Bold }
                            }
                            Text {
                                width: parent.width
                                text: modelData === "zh_CN" ? "简体中文 · Chinese" : "英文 · English"
                                color: Theme.inkSoft
                                font { family: Theme.font; pixelSize: Theme.body }
                                wrapMode: Text.Wrap
                            }
                        }
                        IconDisc {
                            id: disc
                            anchors { right: parent.right; rightMargin: 60; verticalCenter: parent.verticalCenter }
                            width: Math.round(130 * Theme.textScale)
                            icon: "back.svg"
                            rotation: 180
                            color: index === 0 ? Theme.blue : Theme.teal
                        }
                        MouseArea { id: tap; anchors.fill: parent; onClicked: card.choose() }
                    }
                }
            }
        }
    }
}
